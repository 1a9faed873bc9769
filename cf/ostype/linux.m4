divert(-1)
#
# OSTYPE(linux) -- a GNU/Linux host: procmail (in /usr/bin) is both the
# local delivery agent and the procmail mailer's program.  Values as the
# corpus's linux configurations show them in their local and procmail
# mailer lines.  A .mc may set any of them first.
#
define(`_CF_LOADED_', `1')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/bin/procmail')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `SPfhn9')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `procmail -a $h -d $u')')
ifdef(`PROCMAIL_MAILER_PATH', `', `define(`PROCMAIL_MAILER_PATH', `/usr/bin/procmail')')
ifdef(`confEBINDIR', `', `define(`confEBINDIR', `/usr/sbin')')
