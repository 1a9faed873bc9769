divert(-1)
# FEATURE(virtusertable): route virtual addresses through the virtuser map  Argument: the map spec (default: hash over MAIL_SETTINGS_DIRvirtusertable).
define(`_CF_LOADED_', `1')
define(`_F_virtusertable', _CF_MAPSPEC(`virtuser', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') MAIL_SETTINGS_DIR`'virtusertable'))
