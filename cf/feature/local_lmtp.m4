divert(-1)
# FEATURE(local_lmtp [, path [, args]]): local delivery through an LMTP
# capable program (default confEBINDIR/mail.local -l).  It sets the local
# mailer's flags whatever an OSTYPE chose (cf.README), sends the envelope
# sender in SMTP form and reports SMTP diagnostic codes.
define(`_CF_LOADED_', `1')
define(`_F_local_lmtp', `1')
define(`_CF_LOCAL_LMTP_', `1')
define(`LOCAL_MAILER_PATH', ifelse(_ARG_, `', `ifdef(`confEBINDIR', `confEBINDIR', `/usr/libexec')/mail.local', `_ARG_'))
define(`LOCAL_MAILER_FLAGS', `PSXmnz9')
define(`LOCAL_MAILER_ARGS', ifelse(_ARG2_, `', `mail.local -l', `_ARG2_'))
