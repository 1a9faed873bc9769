divert(-1)
# FEATURE(relay_based_on_MX): relay for domains whose MX record points at this host.
define(`_CF_LOADED_', `1')
define(`_F_relay_based_on_MX', `1')
