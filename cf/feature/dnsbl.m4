divert(-1)
# FEATURE(dnsbl, zone [, message|discard|quarantine [, t]]): reject
# clients whose address is listed in a DNS block list.  Each use adds its
# rules to diversion 9, which check_relay takes in.
define(`_CF_LOADED_', `1')
define(`_F_dnsbl_any', `1')
ifelse(_ARG_, `', `_CF_WARN(`FEATURE(dnsbl) needs the DNS zone of the list as its argument')')
define(`_CF_BL_ZONE_', _ARG_)
changecom()divert(9)dnl
R$*	$: $&{client_addr}
R$-.$-.$-.$-	$: <?> $(dnsbl $4.$3.$2.$1._CF_BL_ZONE_. $: OK $)
R<?>OK	$: OKSOFAR
ifelse(_ARG3_, `t', `R<?>$+<TMP>	$#error $@ 4.4.3 $: "451 Temporary lookup failure of " $&{client_addr} " at _CF_BL_ZONE_"', `R<?>$+<TMP>	$: TMPOK')
ifelse(_ARG2_, `', `R<?>$+	$#error $@ 5.7.1 $: "550 Rejected: " $&{client_addr} " listed at _CF_BL_ZONE_"',
	_ARG2_, `discard', `R<?>$+	$#discard $: _CF_BL_ZONE_',
	_ARG2_, `quarantine', `R<?>$+	$#error $@ quarantine $: _CF_BL_ZONE_',
	`R<?>$+	$#error $@ 5.7.1 $: _ARG2_')
divert(-1)changecom(`#')
