divert(-1)
# FEATURE(rhsbl, zone [, message [, t]]): reject mail whose envelope
# sender's domain is listed in a right-hand-side DNS block list.  Access
# map entries tagged rhs: (or a plain OK/RELAY) exempt a sender or domain.
# The rules join check_relay in diversion 9, in FEATURE order with dnsbl.
# The list is looked up with the dnsbl map; when no dnsbl came first, a
# host-type dnsbl map is declared for it.
define(`_CF_LOADED_', `1')
ifdef(`_F_dnsbl_any', `', `define(`_F_rhsbl_map', `1')')
define(`_CF_RHS_ZONE_', _ARG_)
changecom()divert(9)dnl
R$+	$: <@> $>CanonAddr $&f
R<@> $*<@$+.>	$: <@> <@$2.> $| $>SearchList <+ rhs> $| <F:$1@$2> <D:$2> <>
R<@> $* $| <$={Accept}>	$: OKSOFAR
R<@> $*<@$+.> $| $*	$: <?> $(dnsbl $2._CF_RHS_ZONE_. $: OK $) $(macro {RHS} $@ $2 $)
R<@> $*	$: OKSOFAR
R<?> OK	$: OKSOFAR
ifelse(_ARG3_, `t', `R<?>$+<TMP>	$#error $@ 4.7.1 $: "451 Temporary lookup failure of " $&{RHS} " at _CF_RHS_ZONE_"', `R<?>$+<TMP>	$: TMPOK')
R<?>$+	$#error $@ 5.7.1 $: ifelse(_ARG2_, `', `"550 Mail from " $&{RHS} " refused by blackhole site _CF_RHS_ZONE_"', `_ARG2_')
divert(-1)changecom(`#')
