divert(-1)
# FEATURE(msp [, host [, MSA]]): mail submission program configuration.
define(`_CF_LOADED_', `1')
define(`_F_msp', ifelse(_ARG_, `', `[localhost]', `_ARG_'))define(`confDONT_PROBE_INTERFACES', `True')define(`_F_no_default_msa', `1')define(`_F_no_aliases', `1')undefine(`ALIAS_FILE')define(`confDELIVERY_MODE', `i')define(`confQUEUE_FILE_MODE', `0660')define(`QUEUE_DIR', `/var/spool/clientmqueue')define(`STATUS_FILE', `/var/spool/clientmqueue/sm-client.st')define(`confPID_FILE', `/var/spool/clientmqueue/sm-client.pid')define(`confRUN_AS_USER', `smmsp')define(`confTRUSTED_USER', `smmsp')define(`confUSE_MSP', `True')define(`_CF_DAEMONS_', `O DaemonPortOptions=Name=NoMTA, Addr=127.0.0.1, M=E')ifdef(`confPRIVACY_FLAGS', `', `define(`confPRIVACY_FLAGS', `goaway,noetrn,restrictqrun')')
ifdef(`SMTP_MAILER_FLAGS', `', `define(`SMTP_MAILER_FLAGS', `k5')')dnl
ifdef(`RELAY_MAILER_FLAGS', `', `define(`RELAY_MAILER_FLAGS', `k')')dnl
ifelse(_ARG2_, `MSA', `define(`RELAY_MAILER_ARGS', `TCP $h 587')')dnl
MAILER(`local')MAILER(`smtp')
changecom()divert(6)dnl
SLocal_localaddr
R$+	$: $>ParseRecipient $1
R$* < @ $+ > $*	$#relay $@ ${MTAHost} $: $1 < @ $2 > $3
ifdef(`_USE_DECNET_SYNTAX_', `R$+ :: $+	$#relay $@ ${MTAHost} $: $1 :: $2
')dnl
R$*	$#relay $@ ${MTAHost} $: $1 < @ $j >
divert(-1)changecom(`#')
