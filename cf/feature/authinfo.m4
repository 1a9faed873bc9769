divert(-1)
# FEATURE(authinfo): AUTH client credentials from the authinfo map  Argument: the map spec (default: hash over MAIL_SETTINGS_DIRauthinfo).
define(`_CF_LOADED_', `1')
define(`_F_authinfo', _CF_MAPSPEC(`authinfo', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') MAIL_SETTINGS_DIR`'authinfo'))
