divert(-1)
dnl #
dnl # parse1.m4 -- body of rule set Parse1 (the mailer decision after Parse0
dnl # and ParseLocal): literals, virtual users, local names, UUCP and other
dnl # pseudo domains, mailertable, LOCAL_NET_CONFIG, smart host, plain SMTP.
dnl #
divert(0)dnl
ifdef(`_F_ldap_routing', `R$+ < @ $={LDAPRoute} . >	$: $>LDAPExpand <$1 < @ $2 . >> <$1 @ $2> <>
R$+ < @ $={LDAPRouteEquiv} . >	$: $>LDAPExpand <$1 < @ $2 . >> <$1 @ $M> <>
')dnl
R$* < @ [ $+ ] > $*	$: $>ParseLocal $1 < @ [ $2 ] > $3
R$* < @ [ $+ ] > $*	$: $1 < @ [ $2 ] : $S > $3
R$* < @ [ $+ ] : > $*	$#_CF_SMTP_MAILER $@ [$2] $: $1 < @ [$2] > $3
R$* < @ [ $+ ] : $- : $*> $*	$#$3 $@ $4 $: $1 < @ [$2] > $5
R$* < @ [ $+ ] : $+ > $*	$#_CF_SMTP_MAILER $@ $3 $: $1 < @ [$2] > $4
ifdef(`_F_virtusertable', `R$+	$: <!> $1
ifdef(`_F_virtuser_entire_domain', `R<!> $+ < @ $* $={VirtHost} . >	$: < $(virtuser $1 @ $2 $3 $@ $1 $: @ $) > $1 < @ $2 $3 . >
', `R<!> $+ < @ $={VirtHost} . >	$: < $(virtuser $1 @ $2 $@ $1 $: @ $) > $1 < @ $2 . >
')dnl
R<!> $+ < @ $=w . >	$: < $(virtuser $1 @ $2 $@ $1 $: @ $) > $1 < @ $2 . >
R<@> $+ + $+ < @ $* . >	$: < $(virtuser $1 + + @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >
R<@> $+ + $* < @ $* . >	$: < $(virtuser $1 + * @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >
R<@> $+ + $* < @ $* . >	$: < $(virtuser $1 @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >
R<@> $+ + $+ < @ $+ . >	$: < $(virtuser + + @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >
R<@> $+ + $* < @ $+ . >	$: < $(virtuser + * @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >
R<@> $+ + $* < @ $+ . >	$: < $(virtuser @ $3 $@ $1 $@ $2 $@ +$2 $: ! $) > $1 + $2 < @ $3 . >
R<@> $+ < @ $+ . >	$: < $(virtuser @ $2 $@ $1 $: @ $) > $1 < @ $2 . >
R<@> $+	$: $1
R<!> $+	$: $1
R< error : $-.$-.$- : $+ > $*	$#error $@ $1.$2.$3 $: $4
R< error : $- $+ > $*	$#error $@ $(dequote $1 $) $: $2
R< $+ > $+ < @ $+ >	$: $>Recurse $1
')dnl
ifdef(`_CF_MAILER_usenet_', `R$+ . USENET < @ $=w . >	$#usenet $@ usenet $: $1
')dnl
ifdef(`_F_stickyhost', `dnl user@host stays with the hub (if any) or is delivered as @user
R$+ < @ $=w . >	$: < $H > $1 < @ $2 . >
R< $+ > $+ < $+ >	$>MailerToTriple < $1 > $2 < $3 >
R< > $+ + $* < $+ >	$#_CF_LOCAL_MAILER $: $1 + $2
R< > $+ < $+ >	$#_CF_LOCAL_MAILER $: @ $1
', `R$=L < @ $=w . >	$#_CF_LOCAL_MAILER $: @ $1
R$+ < @ $=w . >	$#_CF_LOCAL_MAILER $: $1
')dnl
ifdef(`_F_bestmx_is_local', `ifdef(`_CF_CLASS_B_', `R$* < @ $* $=B . > $*	$: $1 < @ $2 $3 . @@ $(bestmx $2 $3 . $) > $4
', `R$* < @ $* > $*	$: $1 < @ $2 @@ $(bestmx $2 $) > $3
')dnl
R$* $=O $* < @ $* @@ $=w . > $*	$@ $>Recurse $1 $2 $3
R< @ $* @@ $=w . > : $*	$@ $>Recurse $3
R$* < @ $* @@ $=w . > $*	$@ $>CanonLocal < $1 >
R$* < @ $* @@ $* > $*	$: $1 < @ $2 > $4
')dnl
ifdef(`_CF_MAILER_uucp_', `R$* < @ $=Z . UUCP. > $*	$#uucp-uudom $@ $2 $: $1 < @ $2 .UUCP. > $3
R$* < @ $=Y . UUCP. > $*	$#uucp-new $@ $2 $: $1 < @ $2 .UUCP. > $3
R$* < @ $=U . UUCP. > $*	$#uucp-old $@ $2 $: $1 < @ $2 .UUCP. > $3
ifdef(`_CF_SITE_W_', `R$* < @ $=W . UUCP . > $*	$: $>MailerToTriple < $W > $1 <@$2.UUCP.> $3
')dnl
ifdef(`_CF_SITE_X_', `R$* < @ $=X . UUCP . > $*	$: $>MailerToTriple < $X > $1 <@$2.UUCP.> $3
')dnl
')dnl
ifdef(`BITNET_RELAY', `R$*<@$+.BITNET.>$*	$: $>MailerToTriple < $B > $1 <@$2.BITNET.> $3
')dnl
ifdef(`DECNET_RELAY', `R$*<@$+.DECNET.>$*	$: $>MailerToTriple < $C > $1 <@$2.DECNET.> $3
')dnl
ifdef(`_CF_MAILER_pop_', `R$+ < @ POP. >	$#pop $: $1
')dnl
ifdef(`_CF_MAILER_fax_', `R$+ < @ $+ .FAX. >	$#fax $@ $2 $: $1
')dnl
ifdef(`UUCP_RELAY', `R$*<@$*.UUCP.>$*	$: $>MailerToTriple < $Y > $1 <@$2.UUCP.> $3
', `ifdef(`_CF_MAILER_uucp_', `R$* < @ $+ .UUCP. > $*	$#ifdef(`confUUCP_MAILER', `confUUCP_MAILER', `uucp-old') $@ $2 $: $1 < @ $2 .UUCP. > $3
')')dnl
ifdef(`_CF_MAILER_usenet_', `R$+ . USENET	$#usenet $@ usenet $: $1
')dnl
ifdef(`_F_mailertable', `R$* <@ $+ > $*	$: < $2 > $1 < @ $2 > $3
R< $+ . > $*	$: < $1 > $2
R< $+ > $*	$: < $(mailertable $1 $) > $2
R< $~[ : $* > $*	$>MailerToTriple < $1 : $2 > $3
R< $+ > $*	$: $>Mailertable <$1> $2
')dnl
undivert(8)dnl
R$* < @ $* > $*	$: $>MailerToTriple < $S > $1 < @ $2 > $3
R$* < @$* > $*	$#_CF_SMTP_MAILER $@ $2 $: $1 < @ $2 > $3
R$=L	$#_CF_LOCAL_MAILER $: @ $1
R$+	$#_CF_LOCAL_MAILER $: $1
