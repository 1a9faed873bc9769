divert(-1)
# FEATURE(accept_unqualified_senders): accept senders without a domain
define(`_CF_LOADED_', `1')
define(`_F_accept_unqualified_senders', `1')
