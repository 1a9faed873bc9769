divert(-1)
# FEATURE(domainmap, domain, map spec): recipients in domain (class
# {MappedDomain}) are looked up, user name without +detail, in a map of
# their own named domain_<domain with . and - as _>; the answer is the new
# address, canonified again.  Senders are left alone; an address the map
# lacks is an error, a temporary map failure queues the mail (dsmtp to
# localhost).  Each use adds a domain and its map; the rules are written once.
define(`_CF_LOADED_', `1')
changecom()divert(11)dnl
ifdef(`_F_domainmap', `', `K domainmap_regex regex -a.:NOTDONE: -s1,2 -d_ (.*)[-\.]([^-\.]*)$
')dnl
C{MappedDomain} _ARG_
K domain_`'translit(_ARG_, `.-', `__') _ARG2_ -T<TEMP>
ifdef(`_F_domainmap', `', `divert(3)dnl
R$* $=O $* <@ $={MappedDomain} .>	$@ $>Recurse $1 $2 $3
R$+ <@ $={MappedDomain} .>	$>DomainMapLookup $1 <@ $2 .>
')dnl
divert(-1)changecom(`#')
define(`_F_domainmap', `1')
