divert(-1)
#
# OSTYPE(amdahl-uts) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `fSn9')')
