divert(-1)
dnl #
dnl # checks-delay.m4 -- FEATURE(delay_checks): check_rcpt runs the recipient
dnl # checks first, then (unless a spam friend) the sender and client checks.
dnl #
divert(0)dnl
SFullAddr
R$* <@ $+ . >	$1 <@ $2 >
R$* <@ $* >	$@ $1 <@ $2 >
R$+	$@ $1 <@ $j >
SDelay_TLS_Clt
R$*	$: $1 $| $>"tls_client" $&{verify} $| MAIL
R$* $| $#$+	$#$2
R$* $| $*	$# $1
R$*	$# $1
SDelay_TLS_Clt2
R$*	$: $1 $| $>"tls_client" $&{verify} $| MAIL
R$* $| $#$+	$#$2
R$* $| $*	$@ $1
R$*	$@ $1
Scheck_rcpt
R$+	$: $1 $| $>checkrcpt $1
R$+ $| $#error $*	$#error $2
R$+ $| $#discard $*	$#discard $2
R$+ $| $#$*	$@ $>"Delay_TLS_Clt" $2
ifdef(`_F_delay_checks_friend', `R$+ $| $*	$: <?> $>FullAddr $>CanonAddr $1
R<?> $+ < @ $=w >	$: <> $1 < @ $2 > $| <F: $1@$2 > <D: $2 > <U: $1@>
R<?> $+ < @ $* >	$: <> $1 < @ $2 > $| <F: $1@$2 > <D: $2 >
R<> $* $| <$+>	$: <@> $1 $| $>SearchList <! Spam> $| <$2> <>
R<@> $* $| $*	$: $2 $1
R<FRIEND> $+	$@ $>"Delay_TLS_Clt2" SPAMFRIEND
R<$*> $+	$: $2
', `ifdef(`_F_delay_checks_hater', `R$+ $| $*	$: <?> $>FullAddr $>CanonAddr $1
R<?> $+ < @ $=w >	$: <> $1 < @ $2 > $| <F: $1@$2 > <D: $2 > <U: $1@>
R<?> $+ < @ $* >	$: <> $1 < @ $2 > $| <F: $1@$2 > <D: $2 >
R<> $* $| <$+>	$: <@> $1 $| $>SearchList <! Spam> $| <$2> <>
R<@> $* $| $*	$: $2 $1
R<HATER> $+	$: $1
R<$*> $+	$@ $>"Delay_TLS_Clt2" NOSPAMHATER
', `R$+ $| $*	$: <?> $>FullAddr $>CanonAddr $1
')')dnl
R$*	$: $1 $| $>checkmail ifdef(`_CF_MAIL_FROM_MACRO_', `$&{mail_from}', `<$&f>')
R$* $| $#$*	$#$2
R$* $| $*	$: $1 $| $>checkrelay $&{client_name} $| $&{client_addr}
R$* $| $#$*	$#$2
R$* $| $*	$: $1
ifdef(`_F_block_bad_helo', `include(_CF_DIR_`m4/checks-helo.m4')')dnl
