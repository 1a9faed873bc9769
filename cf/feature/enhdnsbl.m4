divert(-1)
# FEATURE(enhdnsbl, zone [, message [, t [, answer...]]]): like dnsbl,
# but only the listed answers (default: any) reject.
define(`_CF_LOADED_', `1')
define(`_F_enhdnsbl_any', `1')
ifelse(_ARG_, `', `_CF_WARN(`FEATURE(enhdnsbl) needs the DNS zone of the list as its argument')')
define(`_CF_BL_ZONE_', _ARG_)
define(`_CF_BL_MSG_', ifelse(_ARG2_, `', `"550 Rejected: " $&{client_addr} " listed at _CF_BL_ZONE_"', `_ARG2_'))
changecom()divert(9)dnl
R$*	$: $&{client_addr}
R$-.$-.$-.$-	$: <?> $(ednsbl $4.$3.$2.$1._CF_BL_ZONE_. $: OK $)
R<?>OK	$: OKSOFAR
ifelse(_ARG3_, `t', `R<?>$+<TMP>	$#error $@ 4.4.3 $: "451 Temporary lookup failure of " $&{client_addr} " at _CF_BL_ZONE_"', `R<?>$+<TMP>	$: TMPOK')
ifelse(_ARG4_, `', `R<?>$+	$#error $@ 5.7.1 $: _CF_BL_MSG_
', `R<?>_ARG4_	$#error $@ 5.7.1 $: _CF_BL_MSG_
ifelse(_ARG5_, `', `', `R<?>_ARG5_	$#error $@ 5.7.1 $: _CF_BL_MSG_
')ifelse(_ARG6_, `', `', `R<?>_ARG6_	$#error $@ 5.7.1 $: _CF_BL_MSG_
')')dnl
divert(-1)changecom(`#')
