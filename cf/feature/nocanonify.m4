divert(-1)
# FEATURE(nocanonify [, canonify_hosts]): do not canonify host names with DNS.
define(`_CF_LOADED_', `1')
define(`_F_nocanonify', ifelse(_ARG_, `', `1', `_ARG_'))
