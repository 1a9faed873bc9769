divert(-1)
#
# OSTYPE(maxion) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `/var/adm/log/sendmail.st')')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/bin/mail')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `mail $u')')
ifdef(`LOCAL_SHELL_FLAGS', `', `define(`LOCAL_SHELL_FLAGS', `ehuP')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -a$g -gmedium $h!rmail ($u)')')
