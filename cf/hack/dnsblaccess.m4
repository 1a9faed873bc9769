divert(-1)
# HACK(dnsblaccess [, zone [, message [, t [, tag]]]]): a DNS block list
# (default zone blackholes.mail-abuse.org) whose answers -- the listed
# address and each shorter form of it -- are looked up in the access map
# under tag: (default dnsblaccess:) with the zone as %2; OK or RELAY
# there lets the client in, ERROR:... and DISCARD act, else it is
# refused.  With `t', a failed DNS lookup is a temporary error.
define(`_CF_LOADED_', `1')
define(`_F_enhdnsbl_any', `1')
define(`_CF_BLA_ZONE_', ifelse(_ARG_, `', `blackholes.mail-abuse.org', `_ARG_'))
define(`_CF_BLA_TAG_', ifelse(_ARG4_, `', `dnsblaccess', `_ARG4_'))
changecom()divert(9)dnl
R$*	$: $&{client_addr}
R$-.$-.$-.$-	$: <?> $(ednsbl $4.$3.$2.$1._CF_BLA_ZONE_. $: OK $) <>$1.$2.$3.$4
R<?>OK<>$*	$: OKSOFAR
R<?>$+<TMP><>$*	$: <? <TMPF>>
R<?>$* $- .<>$*	<$(access _CF_BLA_TAG_:$1$2 $@$3 $@_CF_BLA_ZONE_ $: ? $)> $1 <>$3
R<?>$* <>$*	$:<$(access _CF_BLA_TAG_: $@$2 $@_CF_BLA_ZONE_ $: ? $)> <>$2
ifelse(_ARG3_, `t', `R<$*<TMPF>>$*	$#error $@ 4.4.3 $: "451 Temporary lookup failure of " $&{client_addr} " at _CF_BLA_ZONE_"', `R<$*<TMPF>>$*	$: TMPOK')
R<$={Accept}>$*	$: OKSOFAR
R<ERROR:$-.$-.$-:$+> $*	$#error $@ $1.$2.$3 $: $4
R<ERROR:$+> $*	$#error $: $1
R<DISCARD> $*	$#discard $: discard
R<$*> $*	$#error $@ 5.7.1 $: ifelse(_ARG2_, `', `"550 Rejected: " $&{client_addr} " listed at _CF_BLA_ZONE_"', `_ARG2_')
divert(-1)changecom(`#')
