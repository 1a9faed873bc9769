divert(-1)
#
# MAILER(qpage): pager messages through QuickPage.
# Settings (cf.README): QPAGE_MAILER_FLAGS/PATH/ARGS/MAX.
#
define(`_CF_LOADED_', `1')
changecom()divert(7)dnl
Mqpage,	P=ifdef(`QPAGE_MAILER_PATH', `QPAGE_MAILER_PATH', `/usr/local/bin/qpage'), F=ifdef(`QPAGE_MAILER_FLAGS', `QPAGE_MAILER_FLAGS', `mDFMs'),
	M=ifdef(`QPAGE_MAILER_MAX', `QPAGE_MAILER_MAX', `4096'),  T=DNS/RFC822/X-Unix,
	A=ifdef(`QPAGE_MAILER_ARGS', `QPAGE_MAILER_ARGS', `qpage -l0 -m -P$u')
divert(-1)changecom(`#')
