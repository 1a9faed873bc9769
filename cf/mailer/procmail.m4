divert(-1)
#
# MAILER(procmail): deliver through procmail (mailertable "procmail:"
# entries).  Settings: PROCMAIL_MAILER_PATH/FLAGS/ARGS/MAX.
#
define(`_CF_LOADED_', `1')
changecom()divert(7)dnl
Mprocmail,	P=ifdef(`PROCMAIL_MAILER_PATH', `PROCMAIL_MAILER_PATH', `/usr/local/bin/procmail'), F=DFM`'ifdef(`PROCMAIL_MAILER_FLAGS', `PROCMAIL_MAILER_FLAGS', `SPhnu9'), S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP/HdrFromSMTP,
	ifdef(`PROCMAIL_MAILER_MAX', `M=PROCMAIL_MAILER_MAX, ')T=DNS/RFC822/X-Unix,
	A=ifdef(`PROCMAIL_MAILER_ARGS', `PROCMAIL_MAILER_ARGS', `procmail -Y -m $h $f $u')
divert(-1)changecom(`#')
