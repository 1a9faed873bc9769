divert(-1)
dnl #
dnl # checks-sts.m4 -- FEATURE(sts), MTA-STS (RFC 8461): the sts map (a
dnl # socket map answering a policy per recipient domain) decides whether a
dnl # delivery must be verified TLS (STS_secure, called by tls_server) to a
dnl # server whose certificate names the host (STS_Check, called by tls_rcpt:
dnl # the policy's match= list against the server name, then the
dnl # certificate's subject alternative names in {cert_altnames}); Set_SNI
dnl # gives the server name to send for tls_clt_features.
dnl #
divert(0)dnl
STLS_NameInList
R$* :$&{TLS_Name}: $*	$@ ok
R$*	$@ $1
SSTS_SAN
R$*	$: $&{server_name}
R$={cert_altnames}	$@ ok
R$-.$+	$: $2
R *.$={cert_altnames}	$@ ok
R$*	$#error $@ 4.7.0 $: 450 $&{server_name} not listed in SANs
SSTS_secure
R$*	$: $&{rcpt_addr} $| $1
R $| $*	$@ ok
R$*@$+ $| $*	$2 $| $3
R$+. $| $*	$1 $| $2
R$+ $| $*	$: $(sts $1 $: none $) $| $2
R$* <TMPF> $| $*	$#error $@ 4.7.0 $: 450 STS lookup temp fail
R$* secure $* $| $*	$@ $>"TLS_connection" $3 $| <TEMP+VERIFY:128>
R$* $| $*	$: $2
SSTS_Check
R$*	$: $&{rcpt_addr} $| $1
R $| $*	$@ ok
R$* $| $*	$: $2 $| $2
R$*@$+ $| $*	$2 $| $3
R$+. $| $*	$1 $| $2
R$* $| $*	$: $(sts $1 $: none $) $| mark
R$* <TMPF> $| $*	$#error $@ 4.7.0 $: 450 STS lookup temp fail
R$* secure $* $| mark	$: $2 $| trmatch
R$* $| mark	$@ ok
R$* servername=hostname $| trmatch	$: $1 $| trmatch
R$+ $| trmatch	$: : $(stsxmatch $1 $: : $)
R$* $| trmatch	$@ $>STS_SAN
R$*:$+.:$*	$1:$2:$3
R:$+:	$: $(macro {TLS_Name} $@ $&{server_name} $) $>TLS_NameInList :$1:
R$* ok	$@ $>STS_SAN
R$*	$: $1 $| $&{server_name}
R:$* $| $-.$+	$: $(macro {TLS_Name} $@ .$3 $) $>TLS_NameInList :$1
R$* ok	$@ $>STS_SAN
R:$*:	$#error $@ 4.7.0 $: 450 $&{server_name} not found in " "$1
SSet_SNI
R$*	$: <$&{rcpt_addr}>
R<>	$@ ""
R<$*@$+>	$2
R$+.	$1
R$+	$: $(sts $1 $: none $)
R$* <TMPF>	$#error $@ 4.7.0 $: 450 STS lookup temp fail
Rnone	$@ ""
R$* secure $*	$: $(stsxsni $2 $: : $) $| sts=secure; $(stsxsni2 $2 $: : $)
R$+: $| $+ :	$: $(macro {sts_sni} $@ $&{server_name} $) set $| $2
R$* $| $*	$@ $2
R$*	$@ ""
