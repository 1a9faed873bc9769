divert(-1)
#
# MAILER(usenet): post to news with inews (addresses group.USENET).
# Settings: USENET_MAILER_PATH/FLAGS/ARGS/MAX.
#
define(`_CF_LOADED_', `1')
changecom()divert(7)dnl
Musenet,	P=ifdef(`USENET_MAILER_PATH', `USENET_MAILER_PATH', `/usr/lib/news/inews'), F=ifdef(`USENET_MAILER_FLAGS', `USENET_MAILER_FLAGS', `rsDFMmn'), S=EnvFromL, R=EnvToL,
	T=X-Usenet/X-Usenet/X-Unix,
	A=ifdef(`USENET_MAILER_ARGS', `USENET_MAILER_ARGS', `inews -m -h -n') $u
divert(-1)changecom(`#')
