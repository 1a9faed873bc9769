divert(-1)
# FEATURE(genericstable): rewrite outgoing local addresses through the generics map  Argument: the map spec (default: hash over MAIL_SETTINGS_DIRgenericstable).
define(`_CF_LOADED_', `1')
define(`_F_genericstable', _CF_MAPSPEC(`generics', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') MAIL_SETTINGS_DIR`'genericstable'))
