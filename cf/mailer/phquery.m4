divert(-1)
#
# MAILER(phquery): the ph mailer, looking names up in a CCSO name server.
# Settings (cf.README): PH_MAILER_FLAGS/PATH/ARGS.
#
define(`_CF_LOADED_', `1')
changecom()divert(7)dnl
Mph,	P=ifdef(`PH_MAILER_PATH', `PH_MAILER_PATH', `/usr/local/etc/phquery'), F=nrDFM`'ifdef(`PH_MAILER_FLAGS', `PH_MAILER_FLAGS', `ehmu'), S=EnvFromL, R=EnvToL/HdrToL,
	T=DNS/RFC822/X-Unix,
	A=ifdef(`PH_MAILER_ARGS', `PH_MAILER_ARGS', `phquery -- $u')
divert(-1)changecom(`#')
