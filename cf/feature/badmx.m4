divert(-1)
# FEATURE(badmx): reject senders whose domain has bad MX records
define(`_CF_LOADED_', `1')
define(`_F_badmx', `1')
