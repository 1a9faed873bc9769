divert(-1)
# FEATURE(require_rdns): reject clients whose address does not resolve back
define(`_CF_LOADED_', `1')
define(`_F_require_rdns', `1')
