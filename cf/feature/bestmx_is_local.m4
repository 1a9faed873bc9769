divert(-1)
# FEATURE(bestmx_is_local [, domains]): a host whose best MX record names
# this host counts as local (Parse1) and may be relayed to (Rcpt_ok).
# With domains (class B), only hosts in them are looked up.
define(`_CF_LOADED_', `1')
define(`_F_bestmx_is_local', `1')
ifelse(_ARG_, `', `', `_CF_APPEND(`_CF_CLASS_B_', _ARG_)')
