divert(-1)
#
# MAILER(uucp): UUCP mailers -- uucp-old (alias uucp), uucp-new (alias
# suucp), uucp-dom and uucp-uudom -- and their rule sets.  Settings:
# UUCP_MAILER_PATH/FLAGS/ARGS/MAX.
#
define(`_CF_LOADED_', `1')
changecom()divert(7)dnl
SFromU
R<@>	$n
R:; <@>	$@
R$* < @ $* . > $*	$1 < @ $2 > $3
R$* < @ $=w >	$1
R<@ $- . UUCP > : $+	$1 ! $2
R<@ $+ > : $+	$1 ! $2
R$* < @ $- . UUCP >	$2 ! $1
R$* < @ $+ >	$2 ! $1
R$&h ! $+ ! $+	$@ $1 ! $2
R$&h ! $+	$@ $&h ! $1
R$+	$: $U ! $1
R! $+	$: $k ! $1
SEnvToU
R:; <@>	$@
R$* < @ $* . > $*	$1 < @ $2 > $3
R$* < @ $=w >	$1
R<@ $- . UUCP > : $+	$1 ! $2
R<@ $+ > : $+	$1 ! $2
R$* < @ $- . UUCP >	$2 ! $1
R$* < @ $+ >	$2 ! $1
SHdrToU
R:; <@>	$@
R$* < @ $* . > $*	$1 < @ $2 > $3
R$* < @ $=w >	$1
R<@ $- . UUCP > : $+	$1 ! $2
R<@ $+ > : $+	$1 ! $2
R$* < @ $- . UUCP >	$2 ! $1
R$* < @ $+ >	$2 ! $1
R$&h ! $+ ! $+	$@ $1 ! $2
R$&h ! $+	$@ $&h ! $1
R$+	$: $U ! $1
R! $+	$: $k ! $1
ifdef(`_CF_MAILER_smtp_', `dnl uucp-dom and uucp-uudom need the SMTP rule sets: only after MAILER(smtp)
SEnvFromUD
R<@>	$n
R$*	$@ $>EnvFromSMTP $1
SEnvFromUUD
R<@>	$n
R$*	$: $>EnvFromSMTP $1
R$* < @ $* . > $*	$1 < @ $2 > $3
R<@ $- . UUCP > : $+	$@ $1 ! $2
R<@ $+ > : $+	$@ $1 ! $2
R$* < @ $- . UUCP >	$@ $2 ! $1
R$* < @ $+ >	$@ $2 ! $1
')dnl
Muucp,	P=ifdef(`UUCP_MAILER_PATH', `UUCP_MAILER_PATH', `/usr/bin/uux'), F=DFMhuUd, S=FromU, R=EnvToU/HdrToU,
	M=ifdef(`UUCP_MAILER_MAX', `UUCP_MAILER_MAX', `100000'), T=X-UUCP/X-UUCP/X-Unix,
	A=ifdef(`UUCP_MAILER_ARGS', `UUCP_MAILER_ARGS', `uux - -r -a$g -gC $h!rmail ($u)')
Muucp-old,	P=ifdef(`UUCP_MAILER_PATH', `UUCP_MAILER_PATH', `/usr/bin/uux'), F=DFMhuUd, S=FromU, R=EnvToU/HdrToU,
	M=ifdef(`UUCP_MAILER_MAX', `UUCP_MAILER_MAX', `100000'), T=X-UUCP/X-UUCP/X-Unix,
	A=ifdef(`UUCP_MAILER_ARGS', `UUCP_MAILER_ARGS', `uux - -r -a$g -gC $h!rmail ($u)')
Msuucp,	P=ifdef(`UUCP_MAILER_PATH', `UUCP_MAILER_PATH', `/usr/bin/uux'), F=mDFMhuUd, S=FromU, R=EnvToU/HdrToU,
	M=ifdef(`UUCP_MAILER_MAX', `UUCP_MAILER_MAX', `100000'), T=X-UUCP/X-UUCP/X-Unix,
	A=ifdef(`UUCP_MAILER_ARGS', `UUCP_MAILER_ARGS', `uux - -r -a$g -gC $h!rmail ($u)')
Muucp-new,	P=ifdef(`UUCP_MAILER_PATH', `UUCP_MAILER_PATH', `/usr/bin/uux'), F=mDFMhuUd, S=FromU, R=EnvToU/HdrToU,
	M=ifdef(`UUCP_MAILER_MAX', `UUCP_MAILER_MAX', `100000'), T=X-UUCP/X-UUCP/X-Unix,
	A=ifdef(`UUCP_MAILER_ARGS', `UUCP_MAILER_ARGS', `uux - -r -a$g -gC $h!rmail ($u)')
ifdef(`_CF_MAILER_smtp_', `Muucp-dom,	P=ifdef(`UUCP_MAILER_PATH', `UUCP_MAILER_PATH', `/usr/bin/uux'), F=mDFMhud, S=EnvFromUD/HdrFromSMTP, R=EnvToSMTP,
	M=ifdef(`UUCP_MAILER_MAX', `UUCP_MAILER_MAX', `100000'), T=X-UUCP/X-UUCP/X-Unix,
	A=ifdef(`UUCP_MAILER_ARGS', `UUCP_MAILER_ARGS', `uux - -r -a$g -gC $h!rmail ($u)')
Muucp-uudom,	P=ifdef(`UUCP_MAILER_PATH', `UUCP_MAILER_PATH', `/usr/bin/uux'), F=mDFMhud, S=EnvFromUUD/HdrFromSMTP, R=EnvToSMTP,
	M=ifdef(`UUCP_MAILER_MAX', `UUCP_MAILER_MAX', `100000'), T=X-UUCP/X-UUCP/X-Unix,
	A=ifdef(`UUCP_MAILER_ARGS', `UUCP_MAILER_ARGS', `uux - -r -a$g -gC $h!rmail ($u)')
')dnl
divert(-1)changecom(`#')
