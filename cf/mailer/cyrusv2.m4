divert(-1)
#
# MAILER(cyrusv2): delivery into Cyrus IMAP 2.x over its LMTP socket.
# Settings (cf.README): CYRUSV2_MAILER_FLAGS/ARGS/MAXMSGS/MAXRCPTS/CHARSET.
# The socket default is where this system's Cyrus package keeps it (as
# the real build writes it).  With define(`confLOCAL_MAILER', `cyrusv2')
# local names resolve to this mailer.
#
define(`_CF_LOADED_', `1')
changecom()divert(7)dnl
Mcyrusv2,	P=[IPC], F=lsDFMnqXz`'ifdef(`CYRUSV2_MAILER_FLAGS', `CYRUSV2_MAILER_FLAGS', `A@/:|m'),ifdef(`CYRUSV2_MAILER_MAXMSGS', ` m=CYRUSV2_MAILER_MAXMSGS,')ifdef(`CYRUSV2_MAILER_MAXRCPTS', ` r=CYRUSV2_MAILER_MAXRCPTS,')ifdef(`CYRUSV2_MAILER_CHARSET', ` C=CYRUSV2_MAILER_CHARSET,')
	S=EnvFromSMTP/HdrFromL, R=EnvToL/HdrToL, E=\r\n,
	T=DNS/RFC822/SMTP,
	A=ifdef(`CYRUSV2_MAILER_ARGS', `CYRUSV2_MAILER_ARGS', `FILE /var/run/cyrus/socket/lmtp')
divert(-1)changecom(`#')
