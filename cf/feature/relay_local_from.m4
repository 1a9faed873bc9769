divert(-1)
# FEATURE(relay_local_from): relay when the envelope sender is local
define(`_CF_LOADED_', `1')
define(`_F_relay_local_from', `1')
_CF_WARN(`FEATURE(relay_local_from) trusts a local-looking sender address, which is easily forged (an open relay); prefer SMTP AUTH or STARTTLS')
