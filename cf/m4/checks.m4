divert(-1)
dnl #
dnl # checks.m4 -- policy rule sets called by the SMTP server: check_relay,
dnl # check_mail, check_rcpt (and their delay_checks forms), Rcpt_ok,
dnl # Relay_ok, the access-map search helpers F E U SearchList, trust_auth,
dnl # the STARTTLS hooks, authinfo, rate and connection control, check_compat
dnl # and greet_pause.  Included by _CF_WRITE with m4 comments switched off.
dnl #
define(`_CF_REJECT', `ifdef(`confREJECT_MSG', `$`'#error $`': confREJECT_MSG', `$`'#error $`'@ 5.7.1 $`': "550 Access denied"')')
define(`_CF_TMPF', `"451 Temporary system failure. Please try again later."')
define(`_CF_DELAY', `ifdef(`_F_delay_checks', `1', `0')')
define(`_CF_ACCESS', `ifdef(`_F_access_db', `1', `0')')
define(`_CF_RO', `ifdef(`_F_relay_hosts_only', `', `$`'* ')')
dnl Rate and connection limits run in Basic_check_relay, or -- delayed
dnl checks with `nodelay' -- in a check_relay of their own at connect time.
define(`_CF_EARLY', `ifelse(_CF_DELAY, `1', `ifdef(`_F_$1_nodelay', `1', `0')', `0')')
define(`_CF_CONTROL_CALLS', `ifdef(`_F_ratecontrol', `ifelse(_CF_EARLY(`ratecontrol'), `$1', `R$`'*	$: $>"RateControl" dummy
')')dnl
ifdef(`_F_conncontrol', `ifelse(_CF_EARLY(`conncontrol'), `$1', `R$`'*	$: $>"ConnControl" dummy
')')')dnl
define(`_CF_HAS_EARLY', ifelse(_CF_EARLY(`ratecontrol'), `1', `ifdef(`_F_ratecontrol', `1', `0')',
	`ifelse(_CF_EARLY(`conncontrol'), `1', `ifdef(`_F_conncontrol', `1', `0')', `0')'))
divert(0)dnl
ifelse(_CF_HAS_EARLY, `1', `Scheck_relay
_CF_CONTROL_CALLS(`1')')dnl
`#'#### check_relay: the connecting client (name | address)
SLocal_check_relay
ifelse(_CF_DELAY, `1', `Scheckrelay', `ifelse(_CF_HAS_EARLY, `1', `Scheckrelay', `Scheck_relay')')
ifdef(`_F_use_client_ptr', `R$* $| $*	$: $&{client_ptr} $| $2
')dnl
R$*	$: $1 $| $>"Local_check_relay" $1
R$* $| $* $| $#$*	$#$3
R$* $| $* $| $*	$@ $>"Basic_check_relay" $1 $| $2
SBasic_check_relay
R$*	$: < $&{deliveryMode} > $1
R< d > $*	$@ deferred
R< $* > $*	$: $2
ifelse(_CF_ACCESS, `1', `R$+ $| $+	$: $>D < $1 > <?> <+ Connect> < $2 >
R   $| $+	$: $>A < $1 > <?> <+ Connect> <>
R<?> <$+>	$: $>A < $1 > <?> <+ Connect> <>
R<?> <$*>	$: OK
R<$={Accept}> <$*>	$@ $1
R<REJECT> <$*>	_CF_REJECT
R<DISCARD> <$*>	$#discard $: discard
R<QUARANTINE:$+> <$*>	$#error $@ quarantine $: $1
R<ERROR:$-.$-.$-:$+> <$*>	$#error $@ $1.$2.$3 $: $4
R<ERROR:$+> <$*>	$#error $: $1
R<$* <TMPF>> <$*>	$#error $@ 4.3.0 $: _CF_TMPF
R<$+> <$*>	$#error $: $1
')dnl
_CF_CONTROL_CALLS(`0')dnl
undivert(9)dnl
ifdef(`_F_require_rdns', `R$*	$: $&{client_addr} $| $&{client_resolve}
R$=R $*	$@ RELAY
R$* $| OK	$@ OK
R$* $| FAIL	$#error $@ 5.7.1 $: 550 Fix reverse DNS for $1
R$* $| TEMP	$#error $@ 4.1.8 $: 451 Client IP address $1 does not resolve
R$* $| FORGED	$#error $@ 4.1.8 $: 451 Possibly forged hostname for $1
')dnl
`#'#### check_mail: the envelope sender
SLocal_check_mail
ifelse(_CF_DELAY, `1', `Scheckmail', `Scheck_mail')
R$*	$: $1 $| $>"Local_check_mail" $1
R$* $| $#$*	$#$2
R$* $| $*	$@ $>"Basic_check_mail" $1
SBasic_check_mail
R$*	$: < $&{deliveryMode} > $1
R< d > $*	$@ deferred
R< $* > $*	$: $2
R$*	$: $1 $| $>"tls_client" $&{verify} $| MAIL
R$* $| $#$+	$#$2
R$* $| $*	$: $1
R<>	$@ <OK>
ifdef(`_F_accept_unqualified_senders', `', `R$+	$: <?> $1
R<?><$+>	$: <@> <$1>
R<?>$+	$: <@> <$1>
R$*	$: $&{daemon_flags} $| $1
R$* f $* $| <@> < $* @ $- >	$: < ? $&{client_name} > < $3 @ $4 >
R$* u $* $| <@> < $* >	$: <?> < $3 >
R$* $| $*	$: $2
R<@> < $* @ localhost >	$: < ? $&{client_name} > < $1 @ localhost >
R<@> < $* @ [127.0.0.1] >	$: < ? $&{client_name} > < $1 @ [127.0.0.1] >
R<@> < $* @ [IPv6:0:0:0:0:0:0:0:1] >	$: < ? $&{client_name} > < $1 @ [IPv6:0:0:0:0:0:0:0:1] >
R<@> < $* @ [IPv6:::1] >	$: < ? $&{client_name} > < $1 @ [IPv6:::1] >
R<@> < $* @ localhost.$m >	$: < ? $&{client_name} > < $1 @ localhost.$m >
ifdef(`_F_nouucp', `', `R<@> < $* @ localhost.UUCP >	$: < ? $&{client_name} > < $1 @ localhost.UUCP >
')dnl
R<@> $*	$: $1
R<? $=w> $*	$: $2
R<? $+> <$+>	$#error $@ 5.5.4 $: "553 Real domain name required for sender address"
R<?> $*	$: $1
')dnl
R$*	$: <?> $>CanonAddr $1
R<?> $* < @ $+ . >	<?> $1 < @ $2 >
R<?> $* < @ $* $=P >	$: <OKR> $1 < @ $2 $3 >
R<?> $* < @ $j >	$: <OKR> $1 < @ $j >
ifdef(`_F_accept_unresolvable_domains', `R<?> $* < @ $+ >	$: <OKR> $1 < @ $2 >
', `R<?> $* < @ $+ >	$: <? $(resolve $2 $: $2 <PERM> $) > $1 < @ $2 >
R<? $* <$->> $* < @ $+ >	$: <$2> $3 < @ $4 >
')dnl
ifelse(_CF_ACCESS, `1', `R<$+> $+ < @ $* >	$: @<$1> <$2 < @ $3 >> $| <F:$2@$3> <U:$2@> <D:$3>
R<$+> $+	$: @<$1> <$2> $| <U:$2@>
R@ <$+> <$*> $| <$+>	$: <@> <$1> <$2> $| $>SearchList <+ From> $| <$3> <>
R<@> <$+> <$*> $| <$*>	$: <$3> <$1> <$2>
R<?> <$+> <$*>	$: <$1> $2
R<$+> <$+> <$*>	$: <$1> $3
')dnl
ifdef(`_F_accept_unqualified_senders', `', `R<?> $*	$: $&{daemon_flags} $| <?> $1
R$* u $* $| <?> $*	$: <OKR> $3
R$* $| $*	$: $2
R<?> $*	$: < ? $&{client_addr} > $1
R<?> $*	$@ <OKR>
R<? $+> $*	$#error $@ 5.5.4 $: "553 Domain name required for sender address " $&f
')dnl
R<?> $*	$: @ $1
R<$={ResOk}> $*	$: @ $2
R<TEMP> $*	$#error $@ 4.1.8 $: "451 Domain of sender address " $&f " does not resolve"
R<PERM> $*	$#error $@ 5.1.8 $: "553 Domain of sender address " $&f " does not exist"
ifelse(_CF_ACCESS, `1', `R<$={Accept}> $*	$# $1
R<DISCARD> $*	$#discard $: discard
R<QUARANTINE:$+> $*	$#error $@ quarantine $: $1
R<REJECT> $*	_CF_REJECT
R<ERROR:$-.$-.$-:$+> $*	$#error $@ $1.$2.$3 $: $4
R<ERROR:$+> $*	$#error $: $1
R<<TMPF>> $*	$#error $@ 4.3.0 $: _CF_TMPF
R<$+> $*	$#error $: $1
')dnl
ifdef(`_F_badmx', `R@ $*<@$+>$*	$: $1<@$2>$3 $| $>BadMX $2
R$* $| $#$*	$#$2
SBadMX
R$+	$:<MX><$1><:$(mxlist $1$):><:>
R<MX><$+><:$*<TEMP>:><$*>	$#error $@ 4.1.2 $: "450 MX lookup failure for "$1
R<MX><$*><:$+:$*><:$*>	<MX><$1><:$3><: $4 $(badmx $2 $):>
R<MX><$*><$*><$*<BADMX>:$*>	$#error $@ 5.1.2 $:"550 Illegal MX record for host "$1
R<MX><$*><$*><$*>	$:<MX><$1><$3><$2>
R<MX><$*><:$+:$*><:$*>	<MX><$1><:$3><:$4 $(dnsA $2 $) :>
R<MX><$*><$*><$*>	$:<MX><$1><$3><$2>
R<MX><$*><:$+:$*><:$*>	<MX><$1><:$3><:$4 $(BadMXIP $2 $) :>
R<MX><$*><$*><$*<BADMXIP>:$*>	$#error $@ 5.1.2 $:"550 Invalid MX record for host "$1
')dnl
`#'#### check_rcpt: each envelope recipient
SLocal_check_rcpt
ifelse(_CF_DELAY, `1', `Scheckrcpt', `Scheck_rcpt')
R$*	$: $1 $| $>"Local_check_rcpt" $1
R$* $| $#$*	$#$2
R$* $| $*	$@ $>"Basic_check_rcpt" $1
SBasic_check_rcpt
R<>	$#error $@ nouser $: "553 User address required"
R$@	$#error $@ nouser $: "553 User address required"
R$*	$: < $&{deliveryMode} > $1
R< d > $*	$@ deferred
R< $* > $*	$: $2
R$*	$: $1 $| @ $>"Rcpt_ok" $1
R$* $| @ $#TEMP $+	$: $1 $| T $2
R$* $| @ $#$*	$#$2
ifdef(`_F_promiscuous_relay', `dnl anyone may relay: nothing more to check
', `dnl
R$* $| @ RELAY	$@ RELAY
R$* $| @ $*	$: O $| $>"Relay_ok" $1
R$* $| T $+	$: T $2 $| $>"Relay_ok" $1
R$* $| $#TEMP $+	$#error $2
R$* $| $#$*	$#$2
R$* $| RELAY	$@ RELAY
R T $+ $| $*	$#error $1
R$*	$#error $@ 5.7.1 $: ifdef(`confRELAY_MSG', `confRELAY_MSG', `ifdef(`_CF_CLASS_TrustAuthMech_', `"550 Relaying denied. Proper authentication required."', `"550 Relaying denied"')')
')dnl
SRcpt_ok
ifdef(`_F_loose_relay_check', `R$*	$: $>CanonAddr $1
R$* < @ $* . >	$1 < @ $2 >
', `R$*	$: $>ParseRecipient $1
')dnl
ifdef(`_F_bestmx_is_local', `ifdef(`_CF_CLASS_B_', `R$* < @ $* $=B > $*	$: $1 < @ $2 $3 @@ $(bestmx $2 $3 $) > $4
', `R$* < @ $* > $*	$: $1 < @ $2 @@ $(bestmx $2 $) > $3
')dnl
R$* $=O $* < @ $* @@ $=w . > $*	$@ $>"Rcpt_ok" $1 $2 $3
R$* < @ $* @@ $=w . > $*	$: $1 < @ $3 > $4
R$* < @ $* @@ $* > $*	$: $1 < @ $2 > $4
')dnl
ifelse(_CF_ACCESS, `1', `ifdef(`_F_blacklist_recipients', `define(`_CF_BLACKLIST_', `1')')')dnl
ifdef(`_CF_BLACKLIST_', `R$*	$: <?> $1
R<?> $+ < @ $=w >	$: <> <$1 < @ $2 >> $| <F:$1@$2> <U:$1@> <D:$2>
R<?> $+ < @ $* >	$: <> <$1 < @ $2 >> $| <F:$1@$2> <D:$2>
R<?> $+	$: <> <$1> $| <U:$1@>
R<> <$*> $| <$+>	$: <@> <$1> $| $>SearchList <+ To> $| <$2> <>
R<@> <$*> $| <$*>	$: <$2> <$1>
R<?> <$*>	$: @ $1
R<$={Accept}> <$*>	$: @ $2
ifdef(`_F_access_skip', `R<SKIP> <$*>	$: @ $1
')dnl
ifdef(`_F_delay_checks_friend', `R<$={SpamTag}> <$*>	$: @ $2
')dnl
R<REJECT> $*	$#error $@ 5.2.1 $: "550 Mailbox disabled for this recipient"
R<DISCARD> $*	$#discard $: discard
R<QUARANTINE:$+> $*	$#error $@ quarantine $: $1
R<ERROR:$-.$-.$-:$+> $*	$#error $@ $1.$2.$3 $: $4
R<ERROR:$+> $*	$#error $: $1
R<<TMPF>> $*	$#error $@ 4.3.0 $: _CF_TMPF
R<$+> $*	$#error $: $1
R@ $*	$1
')dnl
ifdef(`_F_promiscuous_relay', `', `dnl
R$*	$: $1 $| $>RelayTLS
R$* $| $# $+	$# $2
R$* $| $*	$: $1
R$*	$: $1 $| $>"Local_Relay_Auth" $&{auth_type}
R$* $| $# $*	$# $2
R$* $| NO	$: $1
R$* $| $*	$: $1 $| $&{auth_type}
R$* $|	$: $1
R$* $| $={TrustAuthMech}	$# RELAY
R$* $| $*	$: $1
ifdef(`_F_nouucp_reject', `R$* ! $* < @ $* >	$: <REMOTE> $2 < @ BANG_PATH >
R$* ! $*	$: <REMOTE> $2 < @ BANG_PATH >
')dnl
ifdef(`_F_nopercenthack_reject', `R$* % $* < @ $* >	$: <REMOTE> $1 < @ PERCENT_HACK >
R$* % $*	$: <REMOTE> $1 < @ PERCENT_HACK >
')dnl
ifdef(`_F_relay_entire_domain', `R$+ < @ $* $=m >	$@ RELAY
')dnl
R$+ < @ $=w >	$@ RELAY
R$+ < @ _CF_RO`'$=R >	$@ RELAY
ifelse(_CF_ACCESS, `1', `ifdef(`_F_relay_hosts_only', `R$+ < @ $+ >	$: <$(access To:$2 $: ? $)> <$1 < @ $2 >>
R<?> <$+ < @ $+ >>	$: <$(access $2 $: ? $)> <$1 < @ $2 >>
', `R$+ < @ $+ >	$: $>D <$2> <?> <+ To> <$1 < @ $2 >>
')dnl
R<RELAY> $*	$@ RELAY
R<$* <TMPF>> $*	$#TEMP $@ 4.3.0 $: _CF_TMPF
R<$*> <$*>	$: $2
')dnl
ifdef(`_F_relay_based_on_MX', `R$+ < @ $+ >	$: < : $(mxserved $2 $) : > $1 < @ $2 >
R< : $* <TEMP> : > $*	$#TEMP $@ 4.4.0 $: "450 Can not check MX records for recipient host " $1
R<$* : $=w . : $*> $*	$@ RELAY
R< : $* : > $*	$: $2
')dnl
R$*	$: <?> $1
R<?> $* < @ $+ >	$: <REMOTE> $1 < @ $2 >
R<?> $+	$@ RELAY
R<$+> $*	$: $2
SRelay_ok
R$*	$: $&{client_addr}
R$@	$@ RELAY
R0	$@ RELAY
R127.0.0.1	$@ RELAY
RIPv6:0:0:0:0:0:0:0:1	$@ RELAY
RIPv6:::1	$@ RELAY
R$=R $*	$@ RELAY
ifdef(`_F_drac', `R$*	$: <> $(drac $1 $: <?> $1 $)
R<> <?> $+	$: $1
R<> $+	$@ RELAY
RIPv6:$*	$: <> $(drac $1 $: <?> IPv6:$1 $)
R<> <?> $+	$: $1
R<> $+	$@ RELAY
')dnl
ifelse(_CF_ACCESS, `1', `R$*	$: $>A <$1> <?> <+ Connect> <$1>
R<RELAY> $*	$@ RELAY
R<<TMPF>> $*	$#TEMP $@ 4.3.0 $: _CF_TMPF
R<$*> <$*>	$: $2
')dnl
R$*	$: [ $1 ]
R$=w	$@ RELAY
ifdef(`_F_relay_local_from', `define(`_CF_RELAY_FROM_', `1')')dnl
ifdef(`_F_relay_mail_from', `define(`_CF_RELAY_FROM_', `1')')dnl
ifdef(`_CF_RELAY_FROM_', `dnl the envelope sender may allow relaying
R$*	$: <?> $>CanonAddr $&f
R<?> $+ < @ $+ . >	<?> $1 < @ $2 >
ifdef(`_F_relay_local_from', `R<?> $+ < @ $=w >	$@ RELAY
')dnl
ifdef(`_F_relay_mail_from', `ifelse(_CF_ACCESS, `1', `R<?> $+ < @ $+ >	$: <@> $>SearchList <! From> $| <F:$1@$2> ifelse(_F_relay_mail_from, `domain', `<D:$2> ')<>
R<@> <RELAY>	$@ RELAY
R<@> <<TMPF>>	$#TEMP $@ 4.3.0 $: _CF_TMPF
')')dnl
')dnl
R$*	$: < $&{client_resolve} >
R<TEMP>	$#TEMP $@ 4.4.0 $: "450 Relaying temporarily denied. Cannot resolve PTR record for " $&{client_addr}
R<FORGED>	$#error $@ 5.7.1 $: "550 Relaying denied. IP name possibly forged " $&{client_name}
R<FAIL>	$#error $@ 5.7.1 $: "550 Relaying denied. IP name lookup failed " $&{client_name}
R$*	$: <@> $&{client_name}
R<@> $* $=P	$:<?>  $1 $2
R<@> $+	$:<?>  $[ $1 $]
R$* .	$1
ifdef(`_F_relay_entire_domain', `R<?> $* $=m	$@ RELAY
')dnl
R<?> $=w	$@ RELAY
R<?> _CF_RO`'$=R	$@ RELAY
ifelse(_CF_ACCESS, `1', `ifdef(`_F_relay_hosts_only', `R<?> $*	$: <$(access Connect:$1 $: ? $)> <$1>
R<?> <$*>	$: <$(access $1 $: ? $)> <$1>
', `R<?> $*	$: $>D <$1> <?> <+ Connect> <$1>
')dnl
R<RELAY> $*	$@ RELAY
R<$* <TMPF>> $*	$#TEMP $@ 4.3.0 $: _CF_TMPF
R<$*> <$*>	$: $2
')dnl
ifdef(`_F_block_bad_helo', `ifelse(_CF_DELAY, `1', `', `include(_CF_DIR_`m4/checks-helo.m4')')')dnl
')dnl
ifelse(_CF_DELAY, `1', `include(_CF_DIR_`m4/checks-delay.m4')')dnl
ifelse(_CF_ACCESS, `1', `include(_CF_DIR_`m4/checks-search.m4')')dnl
include(_CF_DIR_`m4/checks-tls.m4')dnl
