divert(-1)
# FEATURE(use_ct_file): read class t (trusted users) from confCT_FILE
define(`_CF_LOADED_', `1')
define(`_F_use_ct_file', `1')
