divert(-1)
# FEATURE(uucpdomain): map UUCP host names to domains  Argument: the map spec (default: hash over MAIL_SETTINGS_DIRuudomain).
define(`_CF_LOADED_', `1')
define(`_F_uucpdomain', _CF_MAPSPEC(`uucpdomain', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') MAIL_SETTINGS_DIR`'uudomain'))
