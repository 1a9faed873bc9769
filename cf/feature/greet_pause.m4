divert(-1)
# FEATURE(greet_pause, msecs): wait before the greeting (GreetPause: entries override).
define(`_CF_LOADED_', `1')
define(`_F_greet_pause', ifelse(_ARG_, `', `_CF_ERR(`FEATURE(greet_pause) needs a time in milliseconds')', `_ARG_'))
