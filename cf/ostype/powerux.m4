divert(-1)
#
# OSTYPE(powerux) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/bin/rmail')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `rmail $u')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `mn9')')
ifdef(`LOCAL_SHELL_FLAGS', `', `define(`LOCAL_SHELL_FLAGS', `ehuP')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -a$g -gmedium $h!rmail ($u)')')
