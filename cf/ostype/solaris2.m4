divert(-1)
#
# OSTYPE(solaris2) -- Solaris 2: mail.local under /usr/lib.
# Values as the real build shows them for this system type (local and
# UUCP mailer lines, options); a .mc may set any of them first.
#
define(`_CF_LOADED_', `1')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/lib/mail.local')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `fSmn9')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `mail.local -d $u')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -a$g $h!rmail ($u)')')
ifdef(`confEBINDIR', `', `define(`confEBINDIR', `/usr/lib')')
