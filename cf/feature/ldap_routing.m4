divert(-1)
# FEATURE(ldap_routing): route through LDAP lookups (accepted; routing rules not generated).
define(`_CF_LOADED_', `1')
define(`_F_ldap_routing', `1')
