divert(-1)
# FEATURE(use_cw_file): read class w (local host names) from confCW_FILE
define(`_CF_LOADED_', `1')
define(`_F_use_cw_file', `1')
