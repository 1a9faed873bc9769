divert(-1)
# OSTYPE(bsd4.4): 4.4BSD paths (mail.local for local delivery).
define(`_CF_LOADED_', `1')
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `/var/log/sendmail.st')')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/libexec/mail.local')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -z -a$g $h!rmail ($u)')')
