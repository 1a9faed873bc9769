divert(-1)
# FEATURE(stickyhost): user@thishost differs from plain user (goes to MAIL_HUB)
define(`_CF_LOADED_', `1')
define(`_F_stickyhost', `1')
