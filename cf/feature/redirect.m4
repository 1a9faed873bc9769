divert(-1)
# FEATURE(redirect): reject mail to user@host.REDIRECT with a 551 naming the new address
define(`_CF_LOADED_', `1')
define(`_F_redirect', `1')
