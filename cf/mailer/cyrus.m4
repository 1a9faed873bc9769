divert(-1)
#
# MAILER(cyrus): delivery into Cyrus IMAP 1.x with its deliver program:
# the cyrus mailer for mailboxes and cyrusbb for bulletin boards.
# Settings (cf.README): CYRUS_MAILER_FLAGS/PATH/ARGS/MAX/USER,
# CYRUS_BB_MAILER_FLAGS/ARGS.  The program default is this system's
# Cyrus deliver program (as the real build writes it).
#
define(`_CF_LOADED_', `1')
define(`_CF_CYRUS_PATH', ifdef(`CYRUS_MAILER_PATH', `CYRUS_MAILER_PATH', `/usr/sbin/cyrdeliver'))
define(`_CF_CYRUS_USER', ifdef(`CYRUS_MAILER_USER', `CYRUS_MAILER_USER', `cyrus:mail'))
changecom()divert(7)dnl
Mcyrus,	P=_CF_CYRUS_PATH, F=lsDFMnPq`'ifdef(`CYRUS_MAILER_FLAGS', `CYRUS_MAILER_FLAGS', `Ah5@/:|'), S=EnvFromL, R=EnvToL/HdrToL,
	ifdef(`CYRUS_MAILER_MAX', `M=CYRUS_MAILER_MAX, ')U=_CF_CYRUS_USER, T=DNS/RFC822/X-Unix,
	A=ifdef(`CYRUS_MAILER_ARGS', `CYRUS_MAILER_ARGS', `cyrdeliver -e -m $h -- $u')
Mcyrusbb,	P=_CF_CYRUS_PATH, F=lsDFMnP`'ifdef(`CYRUS_BB_MAILER_FLAGS', `CYRUS_BB_MAILER_FLAGS', `u'), S=EnvFromL, R=EnvToL/HdrToL,
	U=_CF_CYRUS_USER, T=DNS/RFC822/X-Unix,
	A=ifdef(`CYRUS_BB_MAILER_ARGS', `CYRUS_BB_MAILER_ARGS', `cyrdeliver -e -m $u')
divert(-1)changecom(`#')
