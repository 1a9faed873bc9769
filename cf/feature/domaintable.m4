divert(-1)
# FEATURE(domaintable): rewrite domain names through the domaintable map  Argument: the map spec (default: hash over MAIL_SETTINGS_DIRdomaintable).
define(`_CF_LOADED_', `1')
define(`_F_domaintable', _CF_MAPSPEC(`domain', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') MAIL_SETTINGS_DIR`'domaintable'))
