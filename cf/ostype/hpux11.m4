divert(-1)
#
# OSTYPE(hpux11) -- HP-UX 11: rmail delivers local mail.
# Values as the real build shows them for this system type (local and
# UUCP mailer lines, options); a .mc may set any of them first.
#
define(`_CF_LOADED_', `1')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/bin/rmail')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `m9')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `rmail -d $u')')
ifdef(`LOCAL_SHELL_PATH', `', `define(`LOCAL_SHELL_PATH', `/usr/bin/sh')')
ifdef(`confTIME_ZONE', `', `define(`confTIME_ZONE', `')')
