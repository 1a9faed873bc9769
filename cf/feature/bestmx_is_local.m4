divert(-1)
# FEATURE(bestmx_is_local): accept mail for hosts whose best MX is this host
define(`_CF_LOADED_', `1')
define(`_F_bestmx_is_local', `1')
