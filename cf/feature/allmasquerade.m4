divert(-1)
# FEATURE(allmasquerade): masquerade recipient header addresses as well
define(`_CF_LOADED_', `1')
define(`_F_allmasquerade', `1')
