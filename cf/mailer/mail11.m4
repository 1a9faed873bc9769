divert(-1)
#
# MAILER(mail11): DECnet Phase IV delivery with the mail11 program for
# node::user addresses (user@node.DECNET inside).  Turns on the DECnet
# address syntax, puts DECNET into class P and routes .DECNET addresses
# in ParseLocal: a local node to the local mailer, any other to mail11.
# Settings: MAIL11_MAILER_PATH/FLAGS/ARGS/QGRP.
#
define(`_CF_LOADED_', `1')
define(`_USE_DECNET_SYNTAX_', `1')
_CF_APPEND_LINE(`_CF_EXTRA_LOCAL_INFO_', `CPDECNET')
changecom()divert(3)dnl
R$* < @ $=w .DECNET. >	$#ifdef(`confLOCAL_MAILER', `confLOCAL_MAILER', `local') $: $1
R$+ < @ $+ .DECNET. >	$#mail11 $@ $2 $: $1
divert(7)dnl
SMail11To
R$+ < @ $- .UUCP >	$: $2 ! $1
R$+ < @ $- .DECNET >	$: $2 :: $1
R$+ < @ $- .LOCAL >	$: $2 :: $1
R$+ < @ $=w. >	$: $2 :: $1
R$=w :: $+	$2
R$+ :: $+	$@ $1 :: $2
SMail11From
R$+	$: $>Mail11To $1
R$w :: $+	$@ $w :: $1
Mmail11,	P=ifdef(`MAIL11_MAILER_PATH', `MAIL11_MAILER_PATH', `/usr/etc/mail11'), F=ifdef(`MAIL11_MAILER_FLAGS', `MAIL11_MAILER_FLAGS', `nsFx'), S=Mail11From, R=Mail11To,
	T=DNS/X-DECnet/X-Unix,ifdef(`MAIL11_MAILER_QGRP', ` Q=MAIL11_MAILER_QGRP,')
	A=ifdef(`MAIL11_MAILER_ARGS', `MAIL11_MAILER_ARGS', `mail11 $g $x $h $u')
divert(-1)changecom(`#')
