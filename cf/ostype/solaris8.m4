divert(-1)
#
# OSTYPE(solaris8) -- Solaris 8 and later: mail.local speaking LMTP.
# Values as the real build shows them for this system type (local and
# UUCP mailer lines, options); a .mc may set any of them first.
#
define(`_CF_LOADED_', `1')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/lib/mail.local')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `PSXmnz9')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `mail.local -l')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -a$g $h!rmail ($u)')')
ifdef(`confPID_FILE', `', `define(`confPID_FILE', `/var/run/sendmail.pid')')
ifdef(`confEBINDIR', `', `define(`confEBINDIR', `/usr/lib')')
dnl mail.local here speaks LMTP: SMTP form senders and diagnostics
define(`_CF_LOCAL_LMTP_', `1')
