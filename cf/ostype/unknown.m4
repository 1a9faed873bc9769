divert(-1)
#
# OSTYPE(unknown) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
_CF_WARN(`OSTYPE(unknown) names no operating system; pick the OSTYPE of this host (cf.README lists them)')
