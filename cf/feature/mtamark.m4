divert(-1)
# FEATURE(mtamark [, message [, t|message [, prefix]]]): reject clients whose
# address is not marked as an MTA by a TXT record under the reverse name
# (draft-stumpf-dns-mtamark, cf.README).  Temporary lookup failures are
# ignored unless the second argument asks for them.
define(`_CF_LOADED_', `1')
define(`_F_mtamark', `1')
define(`_CF_MTAMARK_PREFIX_', ifelse(_ARG3_, `', `_perm._smtp._srv.', `_ARG3_'))
_CF_APPEND_LINE(`_CF_EXTRA_LOCAL_INFO_', `Kmtamark dns -R TXT -a. -T<TMP> -r5')
changecom()divert(9)dnl
R$*	$: $&{client_addr}
R$-.$-.$-.$-	$: <?> $(mtamark _CF_MTAMARK_PREFIX_`'$4.$3.$2.$1.in-addr.arpa. $: OK $)
R<?>1.	$: OKSOFAR
ifelse(_ARG_, `', `R<?>0.	$#error $@ 5.7.1 $: "550 Rejected: " $&{client_addr} " not listed as MTA"',
	`R<?>0.	$#error $@ 5.7.1 $: _ARG_')
ifelse(_ARG2_, `', `R<?>$+<TMP>	$: TMPOK',
	_ARG2_, `t', `R<?>$+<TMP>	$#error $@ 4.4.3 $: "451 Temporary lookup failure of " $&{client_addr}',
	`R<?>$+<TMP>	$#error $@ 4.4.3 $: _ARG2_')
divert(-1)changecom(`#')
