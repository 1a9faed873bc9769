divert(-1)
# FEATURE(mailertable): route domains through the mailertable map  Argument: the map spec (default: hash over MAIL_SETTINGS_DIRmailertable).
define(`_CF_LOADED_', `1')
define(`_F_mailertable', _CF_MAPSPEC(`mailer', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') MAIL_SETTINGS_DIR`'mailertable'))
