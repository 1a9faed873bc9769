divert(-1)
# FEATURE(promiscuous_relay): relay for everybody (dangerous)
define(`_CF_LOADED_', `1')
define(`_F_promiscuous_relay', `1')
