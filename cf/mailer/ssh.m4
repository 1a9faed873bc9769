divert(-1)
#
# MAILER(ssh): SMTP over ssh -- runs "sendmail -bs" on the next host as
# SSH_MAILER_USER from directory SSH_MAILER_DIR (both required) and
# speaks SMTP with it; address rewriting as for the smtp mailers.
# Settings: SSH_MAILER_PATH/FLAGS/ARGS/MAX/CHARSET/QGRP/USER/DIR.
#
define(`_CF_LOADED_', `1')
ifdef(`SSH_MAILER_USER', `', `_CF_WARN(`SSH_MAILER_USER (the user ssh runs as) must be defined before MAILER(ssh)')')
ifdef(`SSH_MAILER_DIR', `', `_CF_WARN(`SSH_MAILER_DIR (the directory ssh runs in) must be defined before MAILER(ssh)')')
changecom()divert(7)dnl
Mssh,	P=ifdef(`SSH_MAILER_PATH', `SSH_MAILER_PATH', `/usr/bin/ssh'), F=mDFMuX`'ifdef(`SSH_MAILER_FLAGS', `SSH_MAILER_FLAGS'), S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP`'ifdef(`_F_allmasquerade', `/HdrFromSMTP'), E=\r\n, L=990,
	ifdef(`SSH_MAILER_MAX', `M=SSH_MAILER_MAX, ')ifdef(`SSH_MAILER_CHARSET', `C=SSH_MAILER_CHARSET, ')T=DNS/RFC822/SMTP,ifdef(`SSH_MAILER_QGRP', ` Q=SSH_MAILER_QGRP,')
	U=SSH_MAILER_USER, D=SSH_MAILER_DIR,
	A=ifdef(`SSH_MAILER_ARGS', `SSH_MAILER_ARGS', `ssh -o BatchMode=yes -o EscapeChar=none  -- $h /usr/sbin/sendmail -bs')
divert(-1)changecom(`#')
