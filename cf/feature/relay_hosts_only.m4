divert(-1)
# FEATURE(relay_hosts_only): class R and access entries name hosts, not domains
define(`_CF_LOADED_', `1')
define(`_F_relay_hosts_only', `1')
