divert(-1)
# FEATURE(compat_check): check_compat consults Compat: entries of the access map
define(`_CF_LOADED_', `1')
define(`_F_compat_check', `1')
