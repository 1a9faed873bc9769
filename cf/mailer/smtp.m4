divert(-1)
#
# MAILER(smtp): the SMTP family -- smtp, esmtp, smtp8, dsmtp (on demand)
# and relay (for hubs and smart hosts) -- with their rule sets.
# Settings: SMTP_MAILER_FLAGS/MAX/MAXMSGS/MAXRCPTS/CHARSET/ARGS/LL,
# RELAY_MAILER_ARGS/FLAGS/MAXMSGS, ESMTP_/SMTP8_/DSMTP_MAILER_ARGS.
#
define(`_CF_LOADED_', `1')
ifdef(`_CF_MAILER_uucp_', `_CF_WARN(`MAILER(smtp) after MAILER(uucp): uucp-dom and uucp-uudom are left out; put MAILER(smtp) first')')
ifdef(`_CF_MAILER_local_', `', `ifdef(`_CF_NOT_LOCAL_', `', `')')
define(`_CF_SMTP_R', `ifdef(`_F_allmasquerade', `/HdrFromSMTP')')
define(`_CF_SMTP_COMMON', `S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP`'_CF_SMTP_R, E=\r\n, L=ifdef(`SMTP_MAILER_LL', `SMTP_MAILER_LL', `990'),
	ifdef(`SMTP_MAILER_MAX', `M=SMTP_MAILER_MAX, ')T=DNS/RFC822/SMTP,')
changecom()divert(7)dnl
SMasqSMTP
R$* < @ $* > $*	$@ $1 < @ $2 > $3
R$+	$@ $1 < @ *LOCAL* >
SPseudoToReal
R< @ $+ > $*	$@ < @ $1 > $2
ifdef(`BITNET_RELAY', `R$+ <@ $+ .BITNET. >	$: $1 % $2 .BITNET < @ $B >
R$+.BITNET <@ $~[ $*:$+ >	$: $1 .BITNET < @ $4 >
')dnl
ifdef(`_F_nouucp', `', `R$+ < @ $+ .UUCP. >	$: < $2 ! > $1
R$+ < @ $* > $*	$@ $1 < @ $2 > $3
R< $&h ! > $- ! $+	$@ $2 < @ $1 .UUCP. >
R< $&h ! > $-.$+ ! $+	$@ $3 < @ $1.$2 >
R< $&h ! > $+	$@ $1 < @ $&h .UUCP. >
R< $+ ! > $+	$: $1 ! $2 < @ $Y >
R$+ < @ $~[ $* : $+ >	$@ $1 < @ $4 >
R$+ < @ >	$: $1 < @ *LOCAL* >
')dnl
SEnvFromSMTP
R$+	$: $>PseudoToReal $1
R$* :; <@>	$@
R$*	$: $>MasqSMTP $1
R$+	$: $>MasqEnv $1
SEnvToSMTP
R$+	$: $>PseudoToReal $1
R$+	$: $>MasqSMTP $1
R$* < @ *LOCAL* > $*	$: $1 < @ $j . > $2
SHdrFromSMTP
R$+	$: $>PseudoToReal $1
R:; <@>	$@
R$* <@> $*	$@ $1 <@> $2
R< @ $* > $*	$@ < @ $1 > $2
R$*	$: $>MasqSMTP $1
R$+	$: $>MasqHdr $1
SMasqRelay
R$+	$: $>MasqSMTP $1
R$+	$: $>MasqHdr $1
Msmtp,	P=[IPC], F=mDFMuX`'ifdef(`SMTP_MAILER_FLAGS', `SMTP_MAILER_FLAGS'), _CF_SMTP_COMMON
	A=ifdef(`SMTP_MAILER_ARGS', `SMTP_MAILER_ARGS', `TCP $h')
Mesmtp,	P=[IPC], F=mDFMuXa`'ifdef(`SMTP_MAILER_FLAGS', `SMTP_MAILER_FLAGS'), _CF_SMTP_COMMON
	A=ifdef(`ESMTP_MAILER_ARGS', `ESMTP_MAILER_ARGS', `TCP $h')
Msmtp8,	P=[IPC], F=mDFMuX8`'ifdef(`SMTP_MAILER_FLAGS', `SMTP_MAILER_FLAGS'), _CF_SMTP_COMMON
	A=ifdef(`SMTP8_MAILER_ARGS', `SMTP8_MAILER_ARGS', `TCP $h')
Mdsmtp,	P=[IPC], F=mDFMuXa%`'ifdef(`SMTP_MAILER_FLAGS', `SMTP_MAILER_FLAGS'), _CF_SMTP_COMMON
	A=ifdef(`DSMTP_MAILER_ARGS', `DSMTP_MAILER_ARGS', `TCP $h')
Mrelay,	P=[IPC], F=mDFMuXa8`'ifdef(`RELAY_MAILER_FLAGS', `RELAY_MAILER_FLAGS'), S=EnvFromSMTP/HdrFromSMTP, R=MasqSMTP`'ifdef(`_F_allmasquerade', `/MasqRelay'), E=\r\n, L=2040,
	T=DNS/RFC822/SMTP,
	A=ifdef(`RELAY_MAILER_ARGS', `RELAY_MAILER_ARGS', `TCP $h')
divert(-1)changecom(`#')
