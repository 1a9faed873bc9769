divert(-1)
#
# OSTYPE(openbsd) -- OpenBSD: mail.local delivers local mail.
# Values as the real build shows them for this system type (local and
# UUCP mailer lines, options); a .mc may set any of them first.
#
define(`_CF_LOADED_', `1')
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `/var/log/sendmail.st')')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/libexec/mail.local')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `rmn9S')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `mail -d $u')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -z -a$g $h!rmail ($u)')')
