divert(-1)
#
# OSTYPE(dgux) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`confTIME_ZONE', `', `define(`confTIME_ZONE', `')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `m9')')
_CF_APPEND_LINE(`_CF_EXTRA_LOCAL_INFO_', `E_FORCE_MAIL_LOCAL_=yes')
