divert(-1)
dnl #
dnl # checks-tls.m4 -- trust_auth, the STARTTLS and AUTH hooks (srv_features,
dnl # clt_features, try_tls, tls_rcpt, tls_client, tls_server,
dnl # TLS_connection, RelayTLS, authinfo), rate and connection control,
dnl # check_compat and greet_pause.  With access_db most of them consult the
dnl # access map; without it they keep sendmail's built-in defaults.
dnl #
divert(0)dnl
SLocal_trust_auth
Strust_auth
R$*	$: $&{auth_type} $| $1
R$@ $| $*	$#error $@ 5.7.1 $: "550 not authenticated"
R$* $| $&{auth_authen}	$@ identical
R$* $| <$&{auth_authen}>	$@ identical
R$* $| $*	$: $1 $| $>"Local_trust_auth" $2
R$* $| $#$*	$#$2
R$*	$#error $@ 5.7.1 $: "550 " $&{auth_authen} " not allowed to act as " $&{auth_author}
SLocal_Relay_Auth
Ssrv_features
ifelse(_CF_ACCESS, `1', `R$*	$: $>D <$&{client_name}> <?> <! "Srv_Features"> <>
R<?>$*	$: $>A <$&{client_addr}> <?> <! "Srv_Features"> <>
R<?>$*	$: <$(access "Srv_Features": $: ? $)>
R<?>$*	$@ OK
R<$* <TMPF>>$*	$#temp
R<$+>$*	$# $1
')dnl
Sclt_features
ifelse(_CF_ACCESS, `1', `R$*	$: $>D <$&{client_name}> <?> <! "Clt_Features"> <>
R<?>$*	$: $>A <$&{client_addr}> <?> <! "Clt_Features"> <>
R<?>$*	$: <$(access "Clt_Features": $: ? $)>
R<?>$*	$@ OK
R<$* <TMPF>>$*	$#temp
R<$+>$*	$# $1
')dnl
Stry_tls
ifelse(_CF_ACCESS, `1', `R$*	$: $>D <$&{server_name}> <?> <! "Try_TLS"> <>
R<?>$*	$: $>A <$&{server_addr}> <?> <! "Try_TLS"> <>
R<?>$*	$: <$(access "Try_TLS": $: ? $)>
R<?>$*	$@ OK
R<$* <TMPF>>$*	$#error $@ 4.3.0 $: _CF_TMPF
R<NO>$*	$#error $@ 5.7.1 $: "550 do not try TLS with " $&{server_name} " ["$&{server_addr}"]"
')dnl
ifdef(`_F_sts', `include(_CF_DIR_`m4/checks-sts.m4')')dnl
Stls_rcpt
ifdef(`_F_sts', `R$*	$: $1 $| $>"STS_Check" $1
R$* $| $#$*	$#$2
R$* $| $*	$: $1
')dnl
ifelse(_CF_ACCESS, `1', `R$*	$: $(macro {TLS_Name} $@ $&{server_name} $) $1
R$+	$: <?> $>CanonAddr $1
R<?> $+ < @ $+ . >	<?> $1 <@ $2 >
R<?> $+ < @ $+ >	$: $1 <@ $2 > $| <F:$1@$2> <U:$1@> <D:$2> <E:>
R<?> $+	$: $1 $| <U:$1@> <E:>
R$* $| $+	$: $1 $| $>SearchList <! "TLS_Rcpt"> $| $2 <>
R$* $| <?>	$@ OK
R$* $| <$* <TMPF>>	$#error $@ 4.3.0 $: _CF_TMPF
R$* $| <$+>	$@ $>"TLS_connection" $&{verify} $| <$2>
')dnl
Stls_client
ifelse(_CF_ACCESS, `1', `R$*	$: $(macro {TLS_Name} $@ $&{client_name} $) $1
R$* $| $*	$: $1 $| $>D <$&{client_name}> <?> <! "TLS_Clt"> <>
R$* $| <?>$*	$: $1 $| $>A <$&{client_addr}> <?> <! "TLS_Clt"> <>
R$* $| <?>$*	$: $1 $| <$(access "TLS_Clt": $: ? $)>
R$* $| <$* <TMPF>>	$#error $@ 4.3.0 $: _CF_TMPF
R$*	$@ $>"TLS_connection" $1
', `R$* $| $*	$@ $>"TLS_connection" $1
')dnl
Stls_server
ifdef(`_F_sts', `R$*	$: $1 $| $>"STS_secure" $1
R$* $| $#$*	$#$2
R$* $| $*	$: $1
')dnl
ifelse(_CF_ACCESS, `1', `R$*	$: $(macro {TLS_Name} $@ $&{server_name} $) $1
R$*	$: $1 $| $>D <$&{server_name}> <?> <! "TLS_Srv"> <>
R$* $| <?>$*	$: $1 $| $>A <$&{server_addr}> <?> <! "TLS_Srv"> <>
R$* $| <?>$*	$: $1 $| <$(access "TLS_Srv": $: ? $)>
R$* $| <$* <TMPF>>	$#error $@ 4.3.0 $: _CF_TMPF
R$*	$@ $>"TLS_connection" $1
', `R$*	$@ $>"TLS_connection" $1
')dnl
STLS_connection
ifdef(`_CF_TLS_RULES_', `R$* $| <$*>$*	$: $1 $| <$2>
R$* $| <PERM + $={Tls} $*>	$: $1 $| <503:5.7.0> <$2 $3>
R$* $| <TEMP + $={Tls} $*>	$: $1 $| <403:4.7.0> <$2 $3>
R$* $| <$={Tls} $*>	$: $1 $| <454:4.7.0> <$2 $3>
RSOFTWARE $| <$-:$+> $*	$#error $@ $2 $: $1 " TLS handshake failed."
RSOFTWARE $| $*	$#error $@ 4.7.0 $: "454 TLS handshake failed."
RPROTOCOL $| <$-:$+> $*	$#error $@ $2 $: $1 " STARTTLS failed."
RPROTOCOL $| $*	$#error $@ 4.7.0 $: "454 STARTTLS failed."
RDANE_FAIL $| <$-:$+> $*	$#error $@ $2 $: $1 " DANE check failed."
RDANE_FAIL $| $*	$#error $@ 4.7.0 $: "454 DANE check failed."
RCONFIG $| <$-:$+> $*	$#error $@ $2 $: $1 " STARTTLS temporarily not possible."
RCONFIG $| $*	$#error $@ 4.7.0 $: "454 STARTTLS temporarily not possible."
R$* $| <$*> <VERIFY>	$: <$2> <VERIFY> <> $1
R$* $| <$*> <VERIFY + $+>	$: <$2> <VERIFY> <$3> $1
R$* $| <$*> <$={Tls}:$->$*	$: <$2> <$3:$4> <> $1
R$* $| <$*> <$={Tls}:$- + $+>$*	$: <$2> <$3:$4> <$5> $1
R$* $| $*	$@ OK
R<$*><VERIFY> <> $={TlsVerified}	$@ OK
R<$*><VERIFY> <$+> $={TlsVerified}	$: <$1> <REQ:0> <$2>
R<$*><VERIFY:$-> <$*> $={TlsVerified}	$: <$1> <REQ:$2> <$3>
R<$*><ENCR:$-> <$*> $*	$: <$1> <REQ:$2> <$3>
R<$-:$+><VERIFY $*> <$*>	$#error $@ $2 $: $1 " authentication required"
R<$-:$+><VERIFY $*> <$*> FAIL	$#error $@ $2 $: $1 " authentication failed"
R<$-:$+><VERIFY $*> <$*> NO	$#error $@ $2 $: $1 " not authenticated"
R<$-:$+><VERIFY $*> <$*> NOT	$#error $@ $2 $: $1 " no authentication requested"
R<$-:$+><VERIFY $*> <$*> NONE	$#error $@ $2 $: $1 " other side does not support STARTTLS"
R<$-:$+><VERIFY $*> <$*> CLEAR	$#error $@ $2 $: $1 " STARTTLS disabled locally"
R<$-:$+><VERIFY $*> <$*> $+	$#error $@ $2 $: $1 " authentication failure " $4
R<$*><REQ:$-> <$*>	$: <$1> <REQ:$2> <$3> $>max $&{cipher_bits} : $&{auth_ssf}
R<$*><REQ:$-> <$*> $-	$: <$1> <$2:$4> <$3> $(arith l $@ $4 $@ $2 $)
R<$-:$+><$-:$-> <$*> TRUE	$#error $@ $2 $: $1 " encryption too weak " $4 " less than " $3
R<$-:$+><$-:$-> <$*> $*	$: <$1:$2 ++ $5>
R<$-:$+ ++ >	$@ OK
R<$-:$+ ++ $+ >	$: <$1:$2> <$3>
R<$-:$+> < $+ ++ $+ >	<$1:$2> <$3> <$4>
R<$-:$+> $+	$@ $>"TLS_req" $3 $| <$1:$2>
STLS_req
R $| $+	$@ OK
R<CN> $* $| <$+>	$: <CN:$&{TLS_Name}> $1 $| <$2>
ifdef(`_F_check_cert_altnames', `R<CN:$={cert_altnames}> $* $| <$+>	$@ $>"TLS_req" $2 $| <$3>
R<CN:$-.$+> $* $| <$+>	$: <CN:*.$2> $3 $| <$4>
R<CN:$={cert_altnames}> $* $| <$+>	$@ $>"TLS_req" $3 $| <$3>
R<CN:$*> $* $| <$+>	$: <CN:$&{TLS_Name}> $2 $| <$3>
')dnl
R<CN:$&{cn_subject}> $* $| <$+>	$@ $>"TLS_req" $1 $| <$2>
R<CN:$+> $* $| <$-:$+>	$#error $@ $4 $: $3 " CN " $&{cn_subject} " does not match " $1
R<CS:$&{cert_subject}> $* $| <$+>	$@ $>"TLS_req" $1 $| <$2>
R<CS:$+> $* $| <$-:$+>	$#error $@ $4 $: $3 " Cert Subject " $&{cert_subject} " does not match " $1
R<CI:$&{cert_issuer}> $* $| <$+>	$@ $>"TLS_req" $1 $| <$2>
R<CI:$+> $* $| <$-:$+>	$#error $@ $4 $: $3 " Cert Issuer " $&{cert_issuer} " does not match " $1
R<CITag:$-> $* $| <$+>	$: <$(access $1:$&{cert_issuer} $: ? $)> $2 $| <$3>
R<?> $* $| <$-:$+>	$#error $@ $3 $: $2 " Cert Issuer " $&{cert_issuer} " not acceptable"
R<OK> $* $| <$+>	$@ $>"TLS_req" $1 $| <$2>
ROK	$@ OK
Smax
R:	$: 0
R:$-	$: $1
R$-:	$: $1
R$-:$-	$: $(arith l $@ $1 $@ $2 $) : $1 : $2
RTRUE:$-:$-	$: $2
R$-:$-:$-	$: $2
', `RSOFTWARE	$#error $@ 4.7.0 $: "454 TLS handshake failed."
RDANE_FAIL	$#error $@ 4.7.0 $: "454 DANE check failed."
RPROTOCOL	$#error $@ 4.7.0 $: "454 STARTTLS failed."
RCONFIG	$#error $@ 4.7.0 $: "454 STARTTLS temporarily not possible."
')dnl
ifdef(`_F_tls_session_features', `define(`_CF_CLT_FEATURES_', `1')')dnl
ifdef(`_F_sts', `define(`_CF_CLT_FEATURES_', `1')')dnl
ifdef(`_CF_CLT_FEATURES_', `include(_CF_DIR_`m4/checks-tls-features.m4')')dnl
SRelayTLS
ifelse(_CF_ACCESS, `1', `R$*	$: <?> $&{verify}
R<?> $={TlsVerified}	$: OK
R<?> $*	$@ NO
R$*	$: $&{cert_issuer}
R$+	$: $(access CERTISSUER:$1 $)
RRELAY	$# RELAY
RSUBJECT	$: <@> $&{cert_subject}
R<@> $+	$: <@> $(access CERTSUBJECT:$1 $)
R<@> RELAY	$# RELAY
R$*	$: NO
')dnl
Sauthinfo
ifdef(`_F_authinfo', `R$*	$: <$(authinfo AuthInfo:$&{server_name} $: ? $)>
R<?>	$: <$(authinfo AuthInfo:$&{server_addr} $: ? $)>
R<?>	$: <$(authinfo AuthInfo: $: ? $)>
R<?>	$@ no
R<$*>	$# $1
', `ifelse(_CF_ACCESS, `1', `R$*	$: $1 $| $>D <$&{server_name}> <?> <! AuthInfo> <>
R$* $| <?>$*	$: $1 $| $>A <$&{server_addr}> <?> <! AuthInfo> <>
R$* $| <?>$*	$: $1 $| <$(access AuthInfo: $: ? $)> <>
R$* $| <?>$*	$@ no
R$* $| <$*> <>	$# $2
')')dnl
ifdef(`_F_ratecontrol', `SRateControl
R$*	$: <A:$&{client_addr}> <E:>
R$+	$: $>SearchList <! ClientRate> $| $1 <>
R<?>	$@ OK
R<$* <TMPF>>	$#error $@ 4.3.0 $: _CF_TMPF
R<0>	$@ OK
R<$+>	$: <$1> $| $(arith l $@ $1 $@ $&{client_rate} $)
R<$+> $| TRUE	$#error $@ 4.3.2 $: ifdef(`_F_ratecontrol_terminate', `421', `452') Connection rate limit exceeded.
')dnl
ifdef(`_F_conncontrol', `SConnControl
R$*	$: <A:$&{client_addr}> <E:>
R$+	$: $>SearchList <! ClientConn> $| $1 <>
R<?>	$@ OK
R<$* <TMPF>>	$#error $@ 4.3.0 $: _CF_TMPF
R<0>	$@ OK
R<$+>	$: <$1> $| $(arith l $@ $1 $@ $&{client_connections} $)
R<$+> $| TRUE	$#error $@ 4.3.2 $: ifdef(`_F_conncontrol_terminate', `421', `452') Too many open connections.
')dnl
ifdef(`_F_compat_check', `Scheck_compat
R< $+ > $| $+	$: $1 $| $2
R$+ $| < $+ >	$: $1 $| $2
R$+ $| $+	$: <$(access Compat:$1<@>$2 $:OK $)>
R$* $| $*	$@ ok
R< DISCARD:$* >	$#discard $: $1 " - discarded by check_compat"
R< DISCARD $* >	$#discard $: $1 " - discarded by check_compat"
R< TEMP:$* >	$#error $@ TEMPFAIL $: $1 " error from check_compat. Try again later"
R< ERROR:$* >	$#error $@ UNAVAILABLE $: $1 " error from check_compat"
')dnl
ifdef(`_F_greet_pause', `SLocal_greet_pause
Sgreet_pause
R$*	$: <$1><?> $| $>"Local_greet_pause" $1
R<$*><?> $| $#$*	$#$2
R<$*><?> $| $*	$: $1
ifelse(_CF_ACCESS, `1', `R$+ $| $+	$: $>D < $1 > <?> <! GreetPause> < $2 >
R   $| $+	$: $>A < $1 > <?> <! GreetPause> <>
R<?> <$+>	$: $>A < $1 > <?> <! GreetPause> <>
R<?> <$*>	ifelse(_F_greet_pause, `', `$@', `$# _F_greet_pause')
R<$* <TMPF>> <$*>	$@
R<$+> <$*>	$# $1
', `R$*	$# _F_greet_pause
')')dnl
ifdef(`_F_check_other', `Scheck_other
R$* $| 2	$@ ok
R$+ $| 5	$: $(badcmd $1 $)
R$*<BADCMD>	$#error $@ 4.7.0 $: 421 bad command
')dnl
ifdef(`_F_queuegroup', `Squeuegroup
R< $+ >	$1
R $+ @ $+	$: $>SearchList <! qgrp> $| <F:$1@$2> <D:$2> <>
ifelse(_F_queuegroup_default, `', `R<?>	$@', `R<?>	$# _F_queuegroup_default')
R<$+>	$# $1
')dnl
