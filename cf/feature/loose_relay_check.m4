divert(-1)
# FEATURE(loose_relay_check): allow user%host@local relaying
define(`_CF_LOADED_', `1')
define(`_F_loose_relay_check', `1')
