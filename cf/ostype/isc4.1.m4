divert(-1)
#
# OSTYPE(isc4.1) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`QUEUE_DIR', `', `define(`QUEUE_DIR', `/usr/spool/mqueue')')
ifdef(`confTIME_ZONE', `', `define(`confTIME_ZONE', `')')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/bin/lmail')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `lmail -s $u')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `humS9')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -gC $h!rmail ($u)')')
