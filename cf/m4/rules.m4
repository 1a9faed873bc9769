divert(-1)
dnl #
dnl # rules.m4 -- address rule sets: canonify (3), Canonify2 (96), final (4),
dnl # Recurse (97), parse (0) with Parse0/Parse1, localaddr (5), Mailertable
dnl # (90), MailerToTriple (95), CanonLocal, MasqHdr (93), MasqEnv (94),
dnl # ParseLocal (98), the access map helpers D and A, CanonAddr and
dnl # ParseRecipient.  Included by _CF_WRITE with m4 comments switched off.
dnl #
define(`_CF_LDAP_RELAY', `ifdef(`confRELAY_MAILER', `confRELAY_MAILER', `relay')')
dnl DECnet node::user syntax: asked for, or implied by a DECnet relay.
define(`_CF_IF_DECNET', `ifdef(`_USE_DECNET_SYNTAX_', `$1', `ifdef(`DECNET_RELAY', `$1')')')
dnl confLOCAL_MAILER names the mailer that local names resolve to.
define(`_CF_LOCAL_MAILER', `ifdef(`confLOCAL_MAILER', `confLOCAL_MAILER', `local')')
dnl confSMTP_MAILER names the mailer for plain SMTP destinations.
define(`_CF_SMTP_MAILER', `ifdef(`confSMTP_MAILER', `confSMTP_MAILER', `esmtp')')
define(`_CF_HAS_PCT', `_CF_IF(`nopercenthack', `', `1')')
define(`_CF_HAS_BANG', `_CF_IF(`nouucp', `', `1')')
divert(0)dnl
`#'#### canonify: focus on the host part, mark it with < @ ... >
Scanonify=3
R$@	$@ <@>
R$*	$: $1 <@>
R$* < $* > $* <@>	$: $1 < $2 > $3
R@ $* <@>	$: @ $1
R$* [ IPv6 : $+ ] <@>	$: $1 [ IPv6 : $2 ]
R$* :: $* <@>	$: $1 :: $2
R:include: $* <@>	$: :include: $1
R$* : $* [ $* ]	$: $1 : $2 [ $3 ] <@>
R$* : $* <@>	$: $2
R$* <@>	$: $1
R$* ;	$1
R$* < $+ :; > $*	$@ $2 :; <@>
R$* < $* ; >	$1 < $2 >
R$@	$@ :; <@>
R$*	$: < $1 >
R$+ < $* >	< $2 >
R< $* > $+	< $1 >
R<>	$@ < @ >
R< $+ >	$: $1
R@ $+ , $+	$2
R@ [ $* ] : $+	$2
R@ $+ : $+	$2
R $+ : $* ; @ $+	$@ $>Canonify2 $1 : $2 ; < @ $3 >
R $+ : $* ;	$@ $1 : $2;
R$+ @ $+	$: $1 < @ $2 >
R$+ < $+ @ $+ >	$1 $2 < @ $3 >
R$+ < @ $+ >	$@ $>Canonify2 $1 < @ $2 >
ifelse(_CF_HAS_BANG, `1', `R$- ! $+	$@ $>Canonify2 $2 < @ $1 .UUCP >
R$+ . $- ! $+	$@ $>Canonify2 $3 < @ $1 . $2 >
R$+ ! $+	$@ $>Canonify2 $2 < @ $1 .UUCP >
')dnl
_CF_IF_DECNET(`R$- :: $+	$@ $>Canonify2 $2 < @ $1 .DECNET >
R$- . $- :: $+	$@ $>Canonify2 $3 < @ $1.$2 .DECNET >
')dnl
ifelse(_CF_HAS_PCT, `1', `R$* % $*	$1 @ $2
R$* @ $* @ $*	$1 % $2 @ $3
')dnl
R$* @ $*	$@ $>Canonify2 $1 < @ $2 >
R$*	$@ $>Canonify2 $1
`#'#### Canonify2: make the focused host name canonical
SCanonify2=96
R$* < @ localhost > $*	$: $1 < @ $j . > $2
R$* < @ localhost . $m > $*	$: $1 < @ $j . > $2
ifelse(_CF_HAS_BANG, `1', `R$* < @ localhost . UUCP > $*	$: $1 < @ $j . > $2
')dnl
R$* < @ [ $+ ] > $*	$: $1 < @@ [ $2 ] > $3
R$* < @@ $=w > $*	$: $1 < @ $j . > $3
R$* < @@ $+ > $*	$@ $1 < @ $2 > $3
ifdef(`_F_domaintable', `R$* < @ $+ > $*	$: $1 < @ $(domaintable $2 $) > $3
')dnl
undivert(2)dnl
ifdef(`_F_bitdomain', `R$* < @ $+ .BITNET > $*	$: $1 < @ $(bitdomain $2 $: $2.BITNET $) > $3
')dnl
ifdef(`_F_uucpdomain', `R$* < @ $+ .UUCP > $*	$: $1 < @ $(uudomain $2 $: $2.UUCP $) > $3
')dnl
ifelse(_CF_HAS_BANG, `1', `ifdef(`_F_nocanonify', `', `R$* < @ $+ . UUCP > $*	$: $1 < @ $[ $2 $] . UUCP . > $3
R$* < @ $+ . . UUCP . > $*	$@ $1 < @ $2 . > $3
')')dnl
R$* < @ $* $=P > $*	$: $1 < @ $2 $3 . > $4
ifdef(`_F_nocanonify',
`R$* < @ $* $~P > $*	$: $&{daemon_flags} $| $1 < @ $2 $3 > $4
R$* $| $* < @ $* $={Canonify} > $*	$: $2 < @ $[ $3 $4 $] > $5
R$* c $* $| $* < @ $* > $*	$: $3 < @ $[ $4 $] > $5
R$* $| $* < @ $+ . > $*	$: $2 < @ $3 . > $4
R$* $| $* < @ $+.$+ > $*	$: $2 < @ $3.$4 . > $5
ifelse(_F_nocanonify, `canonify_hosts', `R$* $| $* < @ $* > $*	$: $2 < @ $[ $3 $] > $4
')dnl
R$* $| $*	$: $2
',
`R$* < @ $* $~P > $*	$: $&{daemon_flags} $| $1 < @ $2 $3 > $4
R$* CC $* $| $* < @ $+.$+ > $*	$: $3 < @ $4.$5 . > $6
R$* CC $* $| $*	$: $3
R$* $| $* < @ $* > $*	$: $2 < @ $[ $3 $] > $4
R$* $| $*	$: $2
')dnl
R$* < @ $=w > $*	$: $1 < @ $2 . > $3
ifdef(`_F_masquerade_entire_domain', `R$* < @ $* $=M > $*	$: $1 < @ $2 $3 . > $4
', `R$* < @ $=M > $*	$: $1 < @ $2 . > $3
')dnl
ifdef(`_F_virtusertable', `ifdef(`_F_virtuser_entire_domain', `R$* < @ $* $={VirtHost} > $*	$: $1 < @ $2 $3 . > $4
', `R$* < @ $={VirtHost} > $*	$: $1 < @ $2 . > $3
')')dnl
ifdef(`_F_genericstable', `ifdef(`_F_generics_entire_domain', `R$* < @ $* $=G > $*	$: $1 < @ $2 $3 . > $4
', `R$* < @ $=G > $*	$: $1 < @ $2 . > $3
')')dnl
R$* < @ $* . . > $*	$1 < @ $2 . > $3
`#'#### final: undo the focus for output
Sfinal=4
R$+ :; <@>	$@ $1 :
R$* <@>	$@
R$* < @ $+ . > $*	$1 < @ $2 > $3
R$* < @ *LOCAL* > $*	$1 < @ $j > $2
R$* < $+ > $*	$1 $2 $3
R@ $+ : @ $+ : $+	@ $1 , @ $2 : $3
R@ $*	$@ @ $1
ifelse(_CF_HAS_BANG, `1', `R$+ @ $- . UUCP	$2!$1
')dnl
_CF_IF_DECNET(`R$+ @ $+ . DECNET	$2 :: $1
')dnl
R$+ % $=w @ $=w	$1 @ $2
`#'#### Recurse: run an address through canonify and parse again
SRecurse=97
R$*	$: $>canonify $1
R$*	$@ $>parse $1
`#'#### parse: choose the mailer
Sparse=0
R$*	$: $>Parse0 $1
R<@>	$#_CF_LOCAL_MAILER $: <@>
R$*	$: $>ParseLocal $1
R$*	$: $>Parse1 $1
SParse0
R<@>	$@ <@>
R$* : $* ; <@>	$#error $@ 5.1.3 $: "553 List:; syntax illegal for recipient addresses"
R@ <@ $* >	< @ $1 >
R<@ $+>	$#error $@ 5.1.3 $: "553 User address required"
R$+ <@>	$#error $@ 5.1.3 $: "553 Hostname required"
R$*	$: <> $1
R<> $* < @ [ $* ] : $+ > $*	$1 < @ [ $2 ] : $3 > $4
R<> $* < @ [ $* ] , $+ > $*	$1 < @ [ $2 ] , $3 > $4
R<> $* < @ [ $* ] $+ > $*	$#error $@ 5.1.2 $: "553 Invalid address"
R<> $* < @ [ $+ ] > $*	$1 < @ [ $2 ] > $3
R<> $* <$* : $* > $*	$#error $@ 5.1.3 $: "553 Colon illegal in host name part"
R<> $*	$1
R$* < @ . $* > $*	$#error $@ 5.1.2 $: "553 Invalid host name"
R$* < @ $* .. $* > $*	$#error $@ 5.1.2 $: "553 Invalid host name"
R$* < @ $* @ > $*	$#error $@ 5.1.2 $: "553 Invalid route address"
R$* @ $* < @ $* > $*	$#error $@ 5.1.3 $: "553 Invalid route address"
R$* , $~O $*	$#error $@ 5.1.3 $: "553 Invalid route address"
R$* < @ > $*	$@ $>Parse0 $>canonify $1
R< @ $=w . > : $*	$@ $>Parse0 $>canonify $2
R$- < @ $=w . >	$: $(dequote $1 $) < @ $2 . >
R< @ $+ >	$#error $@ 5.1.3 $: "553 User address required"
R$* $=O $* < @ $=w . >	$@ $>Parse0 $>canonify $1 $2 $3
R$-	$: $(dequote $1 $) < @ *LOCAL* >
R< @ *LOCAL* >	$#error $@ 5.1.3 $: "553 User address required"
R$* $=O $* < @ *LOCAL* >	$@ $>Parse0 $>canonify $1 $2 $3
R$* < @ *LOCAL* >	$: $1
ifdef(`_F_bcc', `R$+	$: $>ParseBcc $1
')dnl
ifdef(`_F_prefixmod', `ifelse(_F_prefixmod, `', `', `R`'_F_prefixmod $+	$: $1 $(macro {rcpt_flags} $@ _F_prefixmod_flags $)
')')dnl
ifdef(`_F_bcc', `SParseBcc
R$+	$: $&{addr_type} $| $&A $| $1
Re b $| $+ $| $+	$>MailerToTriple < $1 > $2
R$* $| $* $| $+	$@ $3
Sbcc
R< $+ >	$1
R$+ @ $+	$: $1@$2 $| $>BCC $2
R$* $| <?>	$@
R$* $| $*	$: $1
SBCC
R$+	$: $1 < $(bcctable $1 $: ? $) >
R$- . $+ <?>	$: $2 < $(bcctable .$2 $: ? $) >
R$- . $+ <?>	$: $>BCC $2
R$* <$*>	$: <$2>
')dnl
SParse1
include(_CF_DIR_`m4/parse1.m4')dnl
`#'#### localaddr: local names (hub, relay, +detail)
SLocal_localaddr
Slocaladdr=5
R$+	$: $1 $| $>"Local_localaddr" $1
R$+ $| $#ok	$@ $1
R$+ $| $#$*	$#$2
R$+ $| $*	$: $1
ifdef(`_F_preserve_luser_host', `dnl remember the host part of the recipient in {Host}
R$+	$: $1 $| $&h $| $&{Host}
R$+ $| $|	$: $(macro {Host} $@ $) $1
R$+ $| $| $+	$: $1
R$+ $| +$* $| $*	$: $1
R$+ $| $* @ $+ $| $*	$: $(macro {Host} $@ @$3 $) $1
R$+ $| $+ $| $*	$: $(macro {Host} $@ @$2 $) $1
')dnl
ifdef(`_F_preserve_local_plus_detail', `', `R$+ + *	$#_CF_LOCAL_MAILER $@ $&h $: $1
R$+ + $*	$#_CF_LOCAL_MAILER $@ + $2 $: $1 + *
')dnl
R$+	$: <> $1
ifdef(`LUSER_RELAY', `dnl a name that is no local user goes to the luser relay
R< > $+	$: < $L > $(user $1 $)
R< $* > $+ <>	$: < > $2
ifdef(`_F_preserve_luser_host', `R< $+ > $+	$: < $1 > $2 $&{Host}
')')dnl
ifdef(`MAIL_HUB', `R< > $+	$: < $H > $1
', `ifdef(`_F_nullclient', `R< > $+	$: < $H > $1
')')dnl
ifdef(`LOCAL_RELAY', `R< > $+	$: < $R > $1
')dnl
ifdef(`_F_preserve_local_plus_detail', `R< > $+	$@ $1
', `R< > $+	$: < > < $1 <> $&h >
ifdef(`_F_preserve_luser_host', `R< > < $+ @ $+ <> + $* >	$: < > < $1 + $3 @ $2 >
')dnl
R< > < $+ <> + $* >	$: < > < $1 + $2 >
R< > < $+ <> $* >	$: < > < $1 >
R< > < $+ + $* > $*	< > < $1 > + $2 $3
R< > < $+ > + $*	$#_CF_LOCAL_MAILER $@ $2 $: @ $1
R< > < $+ >	$@ $1
')dnl
ifdef(`_F_preserve_local_plus_detail', `', `R$+	$: $1 <> $&h
ifdef(`_F_preserve_luser_host', `R$+ @ $+ <> + $*	$: $1 + $3 @ $2
')dnl
R$+ <> + $*	$: $1 + $2
R$+ <> $*	$: $1
')dnl
R< local : $* > $*	$: $>MailerToTriple < local : $1 > $2
R< error : $* > $*	$: $>MailerToTriple < error : $1 > $2
ifdef(`_F_preserve_luser_host', `R< $~[ : $+ > $+ @ $+	$: $>MailerToTriple < $1 : $2 > $3 < @ $4 >
')dnl
R< $~[ : $+ > $+	$: $>MailerToTriple < $1 : $2 > $3 < @ $2 >
ifdef(`_F_preserve_luser_host', `R< $+ > $+ @ $+	$@ $>MailerToTriple < $1 > $2 < @ $3 >
')dnl
R< $+ > $+	$@ $>MailerToTriple < $1 > $2 < @ $1 >
ifdef(`_F_mailertable', ``#'#### Mailertable: try parent domains, then "."
SMailertable=90
R$* <$- . $+ > $*	$: $1$2 < $(mailertable .$3 $@ $1$2 $@ $2 $) > $4
R$* <$~[ : $* > $*	$>MailerToTriple < $2 : $3 > $4
R$* < . $+ > $*	$@ $>Mailertable $1 . <$2> $3
R$* < $* > $*	$: < $(mailertable . $@ $1$2 $) > $3
R< $~[ : $* > $*	$>MailerToTriple < $1 : $2 > $3
R< $* > $*	$@ $2
')dnl
`#'#### MailerToTriple: turn < mailer:host > user into a triple
SMailerToTriple=95
R< > $*	$@ $1
R< error : $-.$-.$- : $+ > $*	$#error $@ $1.$2.$3 $: $4
R< error : $- : $+ > $*	$#error $@ $(dequote $1 $) $: $2
R< error : $+ > $*	$#error $: $1
R< local : $* > $*	$>CanonLocal < $1 > $2
R< $~[ : $+ @ $+ > $*<$*>$*	$# $1 $@ $3 $: $2<@$3>
R< $~[ : $+ > $*	$# $1 $@ $2 $: $3
R< $=w > $*	$@ $2
R< $+ > $*	$#relay $@ $1 $: $2
SCanonLocal
R< $* > < @ $+ > : $+	$@ $>Recurse $3
R< $* > $+ $=O $+ < @ $+ >	$@ $>Recurse $2 $3 $4
R< $* > $* < @ $* . >	$: < $1 > $2 < @ $3 >
R< > $* < @ $* > $*	$#_CF_LOCAL_MAILER $@ $1@$2 $: $1
R< > $+	$#_CF_LOCAL_MAILER $@ $1    $: $1
R< $+ @ $+ > $* < @ $* >	$: < $1 > $3 < @ $4 >
R< $+ > $* <@ $* > $*	$#_CF_LOCAL_MAILER $@ $2@$3 $: $1
R< $+ > $*	$#_CF_LOCAL_MAILER $@ $2    $: $1
`#'#### MasqHdr: generics table and masquerading of header addresses
SMasqHdr=93
ifdef(`_F_genericstable', `ifdef(`_F_generics_entire_domain', `R$+ < @ $* $=G . >	$: < $1@$2$3 > $1 < @ $2$3 . > @
', `R$+ < @ $=G . >	$: < $1@$2 > $1 < @ $2 . > @
')dnl
R$+ < @ *LOCAL* >	$: < $1@$j > $1 < @ *LOCAL* > @
R< $+ > $+ < $* > @	$: < $(generics $1 $: @ $1 $) > $2 < $3 >
R<@$+ + $* @ $+> $+ < @ $+ >	$: < $(generics $1+*@$3 $@ $2 $:@$1 + $2@$3 $) >  $4 < @ $5 >
R<@$+ + $* @ $+> $+ < @ $+ >	$: < $(generics $1@$3 $: $) > $4 < @ $5 >
R<@$+ > $+ < @ $+ >	$: < > $2 < @ $3 >
R< > $+ < @ $+ . >	$: < $(generics @$2 $@ $1 $: $) > $1 < @ $2 . >
R< > $+ < @ $+ >	$: < $(generics $1 $: $) > $1 < @ $2 >
R< > $+ + $* < @ $+ >	$: < $(generics $1+* $@ $2 $: $) > $1 + $2 < @ $3 >
R< > $+ + $* < @ $+ >	$: < $(generics $1 $: $) > $1 + $2 < @ $3 >
R< $* @ $* > $* < $* >	$@ $>canonify $1 @ $2
R< $+ > $* < $* >	$: $>canonify $1 @ *LOCAL*
R< > $*	$: $1
')dnl
ifdef(`_F_nullclient', `define(`_CF_MASQUERADING_', `1')')ifdef(`_CF_MASQ_AS_', `define(`_CF_MASQUERADING_', `1')')dnl
R$* < @ $* $=N . >	$@ $1 < @ $2 $3 . >
ifdef(`_CF_MASQUERADING_', `R$=E < @ *LOCAL* >	$@ $1 < @ $j . >
ifdef(`_F_masquerade_entire_domain', `R$=E < @ $* $=M . >	$@ $1 < @ $2 $3 . >
', `R$=E < @ $=M . >	$@ $1 < @ $2 . >
')dnl
R$=E < @ $=w . >	$@ $1 < @ $2 . >
ifdef(`_F_masquerade_entire_domain', `R$* < @ $* $=M . > $*	$: $1 < @ $2 $3 . @ $M > $4
', `R$* < @ $=M . > $*	$: $1 < @ $2 . @ $M > $3
')dnl
ifdef(`_F_limited_masquerade', `', `R$* < @ $=w . > $*	$: $1 < @ $2 . @ $M > $3
')dnl
R$* < @ *LOCAL* > $*	$: $1 < @ $j . @ $M > $2
R$* < @ $+ @ > $*	$: $1 < @ $2 > $3
R$* < @ $+ @ $+ > $*	$: $1 < @ $3 . > $4
', `R$* < @ *LOCAL* >	$@ $1 < @ $j . >
')dnl
SMasqEnv=94
ifdef(`_F_masquerade_envelope', `R$+	$@ $>MasqHdr $1
', `R$* < @ *LOCAL* > $*	$: $1 < @ $j . > $2
')dnl
`#'#### ParseLocal: site rules and local hacks
SParseLocal=98
undivert(3)dnl
ifdef(`_F_redirect', `R$* < @ $+ .REDIRECT. >	$: $1 < @ $2 . REDIRECT . > < ${opMode} >
R$* < @ $+ .REDIRECT. > <i>	$: $1 < @ $2 . REDIRECT. >
R$* < @ $+ .REDIRECT. > < $- >	$#error $@ 5.1.1 $: "551 User has moved; please try " <$1@$2>
')dnl
ifdef(`_F_ldap_routing', ``#'#### LDAPExpand: <address> <lookup key> <+detail> -> routed address
SLDAPExpand
R<$+><$+><$*>	$: <$(ldapmra $2 $: $)> <$(ldapmh $2 $: $)> <$1> <$2> <$3>
R<$* <TMPF>> <$*> <$+> <$+> <$*>	$: $&{opMode} $| TMPF <$&{addr_type}> $| $3
R<$*> <$* <TMPF>> <$+> <$+> <$*>	$: $&{opMode} $| TMPF <$&{addr_type}> $| $3
ifdef(`_F_ldap_tempfail', `R$={SMTPOpModes} $| TMPF <e r> $| $+	$#error $@ 4.3.0 $: "451 Temporary system failure. Please try again later."
')dnl
R$* $| TMPF <$*> $| $+	$@ $3
ifelse(_F_ldap_detail, `preserve', `R<$+@$+> <$=w> <$+> <$+> <$*>	$@ $>Parse0 $>canonify $1 $6 @ $2
R<$+@$+> <> <$+> <$+> <$*>	$@ $>Parse0 $>canonify $1 $5 @ $2
')dnl
R<$+> <$=w> <$+> <$+> <$*>	$@ $>Parse0 $>canonify $1
R<$+> <> <$+> <$+> <$*>	$@ $>Parse0 $>canonify $1
ifelse(_F_ldap_detail, `preserve', `R<$+@$+> <$+> <$+> <$+> <$*>	$#_CF_LDAP_RELAY $@ $3 $: $>canonify $1 $6 @ $2
')dnl
R<$+> <$+> <$+> <$+> <$*>	$#_CF_LDAP_RELAY $@ $2 $: $>canonify $1
R<> <$=w> <$+> <$+> <$*>	$@ $2
R<> <$+> <$+> <$+> <$*>	$#_CF_LDAP_RELAY $@ $1 $: $2
ifdef(`_F_ldap_detail', `R<> <> <$+> <$+ + $* @ $+> <>	$@ $>LDAPExpand <$1> <$2 @ $4> <+$3>
')dnl
ifdef(`_F_ldap_nodomain', `R<> <> <$+> <$+ @ $+> <$*>	$: <> <> <$1> <@ $3> <$4>
', `R<> <> <$+> <$+ @ $+> <$*>	$@ $>LDAPExpand <$1> <@ $3> <$4>
')dnl
ifdef(`_F_ldap_bounce', `R<> <> <$+> <@ $+> <$*>	$: <?> < $&{addr_type} > < $1 >
R<?> <e r> <$+>	$#error $@ nouser $: "550 User unknown"
ifdef(`_F_ldap_sendertoo', `R<?> <e s> <$+>	$#error $@ nouser $: "550 User unknown"
')dnl
R<?> <$*> <$+>	$@ $2
', `R<> <> <$+> <@ $+> <$*>	$@ $1
')')dnl
ifdef(`_F_domainmap', ``#'#### DomainMapLookup: recipients of a mapped domain
SDomainMapLookup
R $=L <@ $=w .>	$@ $1 <@ $2 .>
R $+ <@ $+>	$: $1 <@ $2 > <$&{addr_type}>
R $+ <@ $+> <e s>	$#smtp $@ $2 $: $1 @ $2
R $+ <@ $+> <$*>	$: $1 <@ $2> <$2 :NOTDONE:>
R $+ <$+> <$+ . :NOTDONE:>	$1 <$2> < $(domainmap_regex $3 $: $3 $) >
R $+ <$+> <$+>	$: $1 <$2> < $(dequote "domain_" $3 $) >
R $+ <$+> <$+>	$: $1 <$2> <$3> $1
R $+ <$+> <$+> $+ + $*	$: $1 <$2> <$3> $4
R $+ <$+> <$+> $+	$: $1 <$2> $( $3 $4 $: <ERROR> $)
R $+ <$+> <ERROR>	$#error $@ 5.1.1 $: "550 email address lookup in domain map failed"
R $+ <@ $+> $* <TEMP> $*	$#dsmtp $@ localhost $: $1 @ $2
R $+ + $* <$+> $+ @ $+	$: $1 + $2 <$3> $4 + $2 @ $5
R $+ <$+> $+	$@ $>Recurse $3
')dnl
ifdef(`_F_access_db', `include(_CF_DIR_`m4/rules-access.m4')')dnl
`#'#### CanonAddr / ParseRecipient: helpers of the policy rule sets
SCanonAddr
R$*	$: $>Parse0 $>canonify $1
SParseRecipient
R$*	$: <?> $>CanonAddr $1
R<?> $* < @ $* . >	<?> $1 < @ $2 >
R<?> $- < @ $* >	$: <?> $(dequote $1 $) < @ $2 >
R<?> $* $=O $* < @ $* >	$: <NO> $1 $2 $3 < @ $4>
R<?> $*	$@ $1
ifdef(`_F_relay_entire_domain', `R<NO> $* < @ $* $=m >	$: <RELAY> $1 < @ $2 $3 >
')dnl
ifdef(`_F_relay_hosts_only', `R<NO> $* < @ $=R >	$: <RELAY> $1 < @ $2 >
ifdef(`_F_access_db', `R<NO> $* < @ $+ >	$: <$(access To:$2 $: NO $)> $1 < @ $2 >
R<NO> $* < @ $+ >	$: <$(access $2 $: NO $)> $1 < @ $2 >
')', `R<NO> $* < @ $* $=R >	$: <RELAY> $1 < @ $2 $3 >
ifdef(`_F_access_db', `R<NO> $* < @ $+ >	$: $>D <$2> <NO> <+ To> <$1 < @ $2 >>
R<$+> <$+>	$: <$1> $2
')')dnl
ifdef(`_F_relay_based_on_MX', `R<NO> $* < @ $+ >	$: <MX> < : $(mxserved $2 $) : > < $1 < @$2 > >
R<MX> < : $* <TEMP> : > $*	$#TEMP $@ 4.4.0 $: "450 Can not check MX records for recipient host " $1
R<MX> < $* : $=w. : $* > < $+ >	$: <RELAY> $4
R<MX> < : $* : > < $+ >	$: <NO> $2
')dnl
R<RELAY> $* < @ $* >	$@ $>ParseRecipient $1
R<$+> $*	$@ $2
