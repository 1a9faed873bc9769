divert(-1)
# FEATURE(notsticky): historic; default behaviour
define(`_CF_LOADED_', `1')
define(`_F_notsticky', `1')
