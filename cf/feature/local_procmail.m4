divert(-1)
# FEATURE(local_procmail): deliver locally through procmail
define(`_CF_LOADED_', `1')
define(`_F_local_procmail', `1')
define(`LOCAL_MAILER_PATH', ifelse(_ARG_, `', `ifdef(`PROCMAIL_MAILER_PATH', `PROCMAIL_MAILER_PATH', `/usr/local/bin/procmail')', `_ARG_'))define(`LOCAL_MAILER_ARGS', ifelse(_ARG2_, `', `procmail -a $h -d $u', `_ARG2_'))define(`LOCAL_MAILER_FLAGS', ifelse(_ARG3_, `', `SPfhn9', `_ARG3_'))
