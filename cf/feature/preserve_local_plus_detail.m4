divert(-1)
# FEATURE(preserve_local_plus_detail): keep +detail when delivering locally
define(`_CF_LOADED_', `1')
define(`_F_preserve_local_plus_detail', `1')
