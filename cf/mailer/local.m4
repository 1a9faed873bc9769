divert(-1)
#
# MAILER(local): the local delivery agent (local) and the program
# mailer (prog), with their address rule sets.  Settings (cf.README):
# LOCAL_MAILER_PATH/FLAGS/ARGS/MAX/CHARSET/EOL/QGRP, LOCAL_SHELL_PATH/FLAGS/ARGS/DIR.
#
define(`_CF_LOADED_', `1')
define(`_CF_LM_PATH', ifdef(`LOCAL_MAILER_PATH', `LOCAL_MAILER_PATH', `/bin/mail'))
define(`_CF_LM_FLAGS', `lsDFM`'ifdef(`_F_nullclient', `', `Aw')5`'ifdef(`_F_nullclient', `', `:/|@')q`'ifdef(`LOCAL_MAILER_FLAGS', `LOCAL_MAILER_FLAGS', `Prmn9')')
define(`_CF_LM_ARGS', ifdef(`LOCAL_MAILER_ARGS', `LOCAL_MAILER_ARGS', `mail -d $u'))
changecom()divert(7)dnl
SEnvFromL
R<@>	$n
R@ <@ $*>	$n
R$+	$: $>AddDomain $1
ifdef(`_F_local_no_masquerade', `', `R$*	$: $>MasqEnv $1
')dnl
SEnvToL
R$+ < @ $* >	$: $1
ifdef(`confUSERDB_SPEC', `', `dnl with no user database, a sender keeps no +detail
R$+ + $*	$: < $&{addr_type} > $1 + $2
R<e s> $+ + $*	$: $1
R< $* > $+	$: $2
')dnl
SHdrFromL
R<@>	$n
R@ <@ $*>	$n
R$+	$: $>AddDomain $1
ifdef(`_F_local_no_masquerade', `', `R$*	$: $>MasqHdr $1
')dnl
SHdrToL
R$+	$: $>AddDomain $1
ifdef(`_F_allmasquerade', `ifdef(`_F_local_no_masquerade', `R$* < @ *LOCAL* > $*	$: $1 < @ $j . > $2
', `R$*	$: $>MasqHdr $1
')', `R$* < @ *LOCAL* > $*	$: $1 < @ $j . > $2
')dnl
SAddDomain
ifdef(`_F_always_add_domain', `R$* < @ $* > $*	$@ $1 < @ $2 > $3
R$+	$@ $1 < @ *LOCAL* >
')dnl
ifdef(`_F_msp', `dnl a submission program hands everything to the MTA by SMTP
Mlocal,	P=[IPC], F=lmDFMuXkw5, S=EnvFromL/HdrFromL, R=EnvToL/HdrToL,
	T=DNS/RFC822/SMTP,
	A=TCP $h
Mprog,	P=[IPC], F=lmDFMuXk5, S=EnvFromL/HdrFromL, R=EnvToL/HdrToL, D=$z:/,
	T=X-Unix/X-Unix/X-Unix,
	A=TCP $h
', `Mlocal,	P=_CF_LM_PATH, F=_CF_LM_FLAGS, S=ifdef(`_CF_LOCAL_LMTP_', `EnvFromSMTP', `EnvFromL')/HdrFromL, R=EnvToL/HdrToL,
	ifdef(`LOCAL_MAILER_MAX', `M=LOCAL_MAILER_MAX, ')ifdef(`LOCAL_MAILER_CHARSET', `C=LOCAL_MAILER_CHARSET, ')T=DNS/RFC822/ifdef(`_CF_LOCAL_LMTP_', `SMTP', `X-Unix'),
	A=_CF_LM_ARGS
Mprog,	P=ifdef(`LOCAL_SHELL_PATH', `LOCAL_SHELL_PATH', `/bin/sh'), F=lsDFMoq`'ifdef(`LOCAL_SHELL_FLAGS', `LOCAL_SHELL_FLAGS', `eu9'), S=EnvFromL/HdrFromL, R=EnvToL/HdrToL, D=ifdef(`LOCAL_SHELL_DIR', `LOCAL_SHELL_DIR', `$z:/'),
	T=X-Unix/X-Unix/X-Unix,
	A=ifdef(`LOCAL_SHELL_ARGS', `LOCAL_SHELL_ARGS', `sh -c $u')
')dnl
divert(-1)changecom(`#')
