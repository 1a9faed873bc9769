divert(-1)
#
# MAILER(fax): HylaFAX faxmail for user@host.FAX addresses.
# Settings: FAX_MAILER_PATH/ARGS/MAX.
#
define(`_CF_LOADED_', `1')
# The mailer's pseudo domain joins class P (not qualified by DNS).
_CF_APPEND_LINE(`_CF_EXTRA_LOCAL_INFO_', `CPFAX')
changecom()divert(7)dnl
Mfax,	P=ifdef(`FAX_MAILER_PATH', `FAX_MAILER_PATH', `/usr/bin/faxmail'), F=DFMhu, S=14, R=24,
	M=ifdef(`FAX_MAILER_MAX', `FAX_MAILER_MAX', `100000'), T=X-Phone/X-FAX/X-Unix,
	A=ifdef(`FAX_MAILER_ARGS', `FAX_MAILER_ARGS', `faxmail -d $u@$h $f')
divert(-1)changecom(`#')
