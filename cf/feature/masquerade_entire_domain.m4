divert(-1)
# FEATURE(masquerade_entire_domain): masquerade every host under the MASQUERADE_DOMAIN domains
define(`_CF_LOADED_', `1')
define(`_F_masquerade_entire_domain', `1')
