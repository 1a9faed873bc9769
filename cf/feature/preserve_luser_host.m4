divert(-1)
# FEATURE(preserve_luser_host): keep the recipient host for LUSER_RELAY
define(`_CF_LOADED_', `1')
define(`_F_preserve_luser_host', `1')
