divert(-1)
# FEATURE(nodns): historic; no effect
define(`_CF_LOADED_', `1')
define(`_F_nodns', `1')
