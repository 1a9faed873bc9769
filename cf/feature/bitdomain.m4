divert(-1)
# FEATURE(bitdomain): map BITNET host names to domains  Argument: the map spec (default: hash over MAIL_SETTINGS_DIRbitdomain).
define(`_CF_LOADED_', `1')
define(`_F_bitdomain', _CF_MAPSPEC(`bitdomain', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') MAIL_SETTINGS_DIR`'bitdomain'))
