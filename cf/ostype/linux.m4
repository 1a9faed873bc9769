divert(-1)
# OSTYPE(linux): GNU/Linux paths.
define(`_CF_LOADED_', `1')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/bin/procmail')')
ifdef(`PROCMAIL_MAILER_PATH', `', `define(`PROCMAIL_MAILER_PATH', `/usr/bin/procmail')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `SPfhn9')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `procmail -Y -a $h -d $u')')
