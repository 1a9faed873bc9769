divert(-1)
# FEATURE(use_client_ptr): check_relay looks at the client's unverified
# host name ({client_ptr}) instead of {client_name} (cf.README).
define(`_CF_LOADED_', `1')
define(`_F_use_client_ptr', `1')
