divert(-1)
# FEATURE(relay_entire_domain): relay for every host under class R domains
define(`_CF_LOADED_', `1')
define(`_F_relay_entire_domain', `1')
