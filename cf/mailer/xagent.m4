divert(-1)
#
# MAILER(xagent): hands mail to the xagent program (a gateway, e.g. to
# IBM VM/RSCS, see FEATURE(vnet)).  Its S= and R= name rule sets 11, 21
# and 31, which the configuration must supply (the library does not).
# Settings: XAGENT_MAILER_PATH/FLAGS/ARGS/MAX.
#
define(`_CF_LOADED_', `1')
changecom()divert(7)dnl
Mxagent,	P=ifdef(`XAGENT_MAILER_PATH', `XAGENT_MAILER_PATH', `/usr/lib/xagent'), F=ifdef(`XAGENT_MAILER_FLAGS', `XAGENT_MAILER_FLAGS', `DFMueXLn'), S=11/31, R=21/31,
	ifdef(`XAGENT_MAILER_MAX', `M=XAGENT_MAILER_MAX, ')T=DNS/RFC822/X-Unix,
	A=ifdef(`XAGENT_MAILER_ARGS', `XAGENT_MAILER_ARGS', `xagent $h $u'), E=\n
divert(-1)changecom(`#')
