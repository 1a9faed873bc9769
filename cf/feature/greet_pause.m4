divert(-1)
# FEATURE(greet_pause, msecs): wait before the greeting (GreetPause: entries override).
define(`_CF_LOADED_', `1')
ifdef(`_F_access_db', `', `_CF_WARN(`FEATURE(greet_pause) needs FEATURE(access_db) before it')')
define(`_F_greet_pause', _ARG_)
