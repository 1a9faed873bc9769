divert(-1)
#
# DOMAIN(debian-msp) -- Debian's settings for the mail submission program
# (submit.cf): its own pid file, control socket and status file, the
# smmsp user, group-writable queue files, no MSA listener, short connect
# timeout.  Values as a probe build with the real sendmail-cf shows them.
#
define(`_CF_LOADED_', `1')
define(`confCF_VERSION', `Submit')
define(`_F_no_default_msa', `1')
define(`confRUN_AS_USER', `smmsp')
define(`confTRUSTED_USER', `smmsp')
define(`confPID_FILE', `/var/run/sendmail/msp/sendmail.pid')
define(`confCONTROL_SOCKET_NAME', `/var/run/sendmail/msp/smcontrol')
define(`confPROCESS_TITLE_PREFIX', `MSP')
define(`STATUS_FILE', `/var/lib/sendmail/sm-client.st')
define(`confQUEUE_FILE_MODE', `0660')
define(`confTEMP_FILE_MODE', `0640')
define(`confRRT_IMPLIES_DSN', `False')
define(`confSAFE_FILE_ENV', `/')
define(`confTO_ICONNECT', `2s')
define(`confTO_MAIL', `2m')
define(`confTO_DATAINIT', `2m')
define(`confTO_RSET', `1m')
define(`confTO_QUIT', `2m')
define(`confTO_COMMAND', `5m')
define(`confTO_IDENT', `5s')
define(`confTO_HOSTSTATUS', `0')
