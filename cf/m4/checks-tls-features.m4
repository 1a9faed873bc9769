divert(-1)
dnl #
dnl # checks-tls-features.m4 -- per-session TLS settings: tls_srv_features
dnl # (FEATURE tls_session_features) and tls_clt_features (it, or sts).
dnl # With access_db they answer the access map's TLS_Srv_Features: and
dnl # TLS_Clt_Features: entries for the peer's name or address; with sts
dnl # the client side also sends the policy's server name (SNI) unless the
dnl # peer is exempt from STS (client flag MM) or DANE (flag d).
dnl #
divert(0)dnl
ifdef(`_F_tls_session_features', `Stls_srv_features
ifelse(_CF_ACCESS, `1', `R$* $| $*	$: $>D <$1> <?> <! TLS_Srv_Features> <$2>
R<?> <$*>	$: $>A <$1> <?> <! TLS_Srv_Features> <$1>
R<?> <$*>	$@ ""
R<$+> <$*>	$@ $1
', `R$*	$@ ""
')')dnl
ifelse(_CF_ACCESS, `1', `Stls_clt_feat_acc
R$* $| $*	$: $>D <$1> <?> <! TLS_Clt_Features> <$2>
R<?> <$*>	$: $>A <$1> <?> <! TLS_Clt_Features> <$1>
R<?> <$*>	$@ ""
R<$+> <$*>	$@ $1
')dnl
SDANE_disabled
R$+	$: < $(stsxnodaneflag $1 $: NOFLAGS $) >
R<$* @>	$@ <>
R$*	$: < $&{sts_sni} >
R<>	$@ <>
R$*	$@ <DANE>
SSTS_disabled
R$*	$: $&{client_flags}
R$* MM $*	$@ <>
R$*	$: $&{rcpt_addr} $| $1
R $| $*	$@ <>
R$*	$@ <STS>
Stls_clt_features
R$*	$: $1 $| <>
ifelse(_CF_ACCESS, `1', `R$* $| <>	$: $1 $| $>"tls_clt_feat_acc" $1
R$* $| $* $| $*	$: $1 $| $2 $| <$3>
')dnl
ifdef(`_F_sts', `R$* $| $* $| <$*>	$: $1 $| $2 $| <$3> $| $>"STS_disabled" sts
R$* $| $* $| <$*> $| <>	$@ $3
R$* $| $* $| <$*> $| $*	$: $1 $| $2 $| <$3> $| $>"DANE_disabled" $3
R$* $| $* $| <$+> $| <DANE>	$@ $3
R$* $| $* $| <> $| <DANE>	$@ ""
R$* $| $* $| <$*> $| <$*>	$: $1 $| $2 $| <$3> $| $>"Set_SNI" $1
R$* $| $* $| <""> $| $+	$@ $3
R$* $| $* $| <$+;> $| $+	$@ $3 ; $4
R$* $| $* $| <$+> $| $+	$@ $3 ; $4
R$* $| $* $| <> $| $+	$@ $3
R$* $| $* $| $* $| $*	$: $1 $| $2 $| $3
')dnl
R$* $| $* $| <"">	$@ ""
R$* $| $* $| <$+>	$@ $3
R$*	$@ ""
