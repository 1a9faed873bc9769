divert(-1)
# FEATURE(relay_mail_from [, `domain']): relay when the access map lists the
# envelope sender (From: tag) as RELAY; with `domain', its domain may do.
define(`_CF_LOADED_', `1')
ifelse(_CF_NEEDS_ACCESS(`relay_mail_from'), `1', `define(`_F_relay_mail_from', ifelse(_ARG_, `domain', `domain', `1'))')
_CF_WARN(`FEATURE(relay_mail_from) trusts a sender address that is easily forged; prefer SMTP AUTH or STARTTLS')
