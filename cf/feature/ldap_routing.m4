divert(-1)
#
# FEATURE(ldap_routing [, mailHost map [, mailRoutingAddress map
#	[, bounce [, detail [, nodomain [, tempfail]]]]]])
#
# cf.README "LDAP ROUTING": recipients in a domain of class {LDAPRoute}
# (LDAPROUTE_DOMAIN) are looked up by full address, then by @domain; the
# mailHost and mailRoutingAddress found decide (table in cf.README):
#   address + local or no host  -> deliver to the new address
#   address + remote host       -> relay to the host with the new address
#   no address + local host     -> the original address
#   no address + remote host    -> relay the original address to the host
#   neither                     -> the original address, or bounce
# Domains of class {LDAPRouteEquiv} are looked up as $M.  The maps default
# to the draft's LDAP schema; either may be replaced by any map spec that
# keeps -T<TMPF> so that a temporary failure can be told apart.
#
define(`_CF_LOADED_', `1')
define(`_F_ldap_routing', `1')
define(`_F_ldap_mh', ifelse(_ARG_, `', `ldap -1 -T<TMPF> -v mailHost -k (&(objectClass=inetLocalMailRecipient)(mailLocalAddress=%0))', `_ARG_'))
define(`_F_ldap_mra', ifelse(_ARG2_, `', `ldap -1 -T<TMPF> -v mailRoutingAddress -k (&(objectClass=inetLocalMailRecipient)(mailLocalAddress=%0))', `_ARG2_'))
ifelse(_ARG3_, `', `', _ARG3_, `passthru', `', `define(`_F_ldap_bounce', `1')')
ifelse(_ARG3_, `sendertoo', `define(`_F_ldap_sendertoo', `1')')
ifelse(_ARG4_, `strip', `define(`_F_ldap_detail', `strip')',
	_ARG4_, `preserve', `define(`_F_ldap_detail', `preserve')')
ifelse(_ARG5_, `', `', `define(`_F_ldap_nodomain', `1')')
ifelse(_ARG6_, `tempfail', `define(`_F_ldap_tempfail', `1')')
ifelse(_ARG_, `', `define(`_F_ldap_default_maps', `1')', _ARG2_, `', `define(`_F_ldap_default_maps', `1')')
