divert(-1)
#
# MAILER(pop): deliver user@POP addresses with spop.
# Settings: POP_MAILER_PATH/FLAGS/ARGS.
#
define(`_CF_LOADED_', `1')
# The mailer's pseudo domain joins class P (not qualified by DNS).
_CF_APPEND_LINE(`_CF_EXTRA_LOCAL_INFO_', `CPPOP')
changecom()divert(7)dnl
Mpop,	P=ifdef(`POP_MAILER_PATH', `POP_MAILER_PATH', `/usr/lib/mh/spop'), F=lsDFMq`'ifdef(`POP_MAILER_FLAGS', `POP_MAILER_FLAGS', `Penu'), S=EnvFromL, R=EnvToL/HdrToL,
	T=DNS/RFC822/X-Unix,
	A=ifdef(`POP_MAILER_ARGS', `POP_MAILER_ARGS', `pop $u')
divert(-1)changecom(`#')
