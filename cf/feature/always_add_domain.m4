divert(-1)
# FEATURE(always_add_domain): qualify local addresses in headers for local delivery too
define(`_CF_LOADED_', `1')
define(`_F_always_add_domain', `1')
