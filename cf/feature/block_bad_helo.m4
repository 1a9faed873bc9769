divert(-1)
# FEATURE(block_bad_helo): reject unqualified or own-name HELO (needs delay_checks)
define(`_CF_LOADED_', `1')
define(`_F_block_bad_helo', `1')
