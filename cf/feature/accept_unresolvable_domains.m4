divert(-1)
# FEATURE(accept_unresolvable_domains): accept senders whose domain does not resolve
define(`_CF_LOADED_', `1')
define(`_F_accept_unresolvable_domains', `1')
