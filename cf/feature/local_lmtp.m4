divert(-1)
# FEATURE(local_lmtp): deliver locally through mail.local in LMTP mode
define(`_CF_LOADED_', `1')
define(`_F_local_lmtp', `1')
define(`LOCAL_MAILER_PATH', ifelse(_ARG_, `', `/usr/libexec/mail.local', `_ARG_'))define(`LOCAL_MAILER_FLAGS', `PSXfmnz9')define(`LOCAL_MAILER_ARGS', ifelse(_ARG2_, `', `mail.local -l', `_ARG2_'))define(`LOCAL_MAILER_DSN_DIAGNOSTIC_CODE', `SMTP')
