divert(-1)
# FEATURE(limited_masquerade): masquerade only the MASQUERADE_DOMAIN list, not class w
define(`_CF_LOADED_', `1')
define(`_F_limited_masquerade', `1')
