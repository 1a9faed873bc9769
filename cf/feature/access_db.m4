divert(-1)
# FEATURE(access_db [, map spec [, skip] [, lookupdotdomain]]): access map for policy checks.
define(`_CF_LOADED_', `1')
define(`_F_access_db', _CF_MAPSPEC(`access', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') -T<TMPF> MAIL_SETTINGS_DIR`'access', `-T<TMPF> '))
ifelse(_ARG2_, `skip', `define(`_F_access_skip', `1')', _ARG3_, `skip', `define(`_F_access_skip', `1')')
ifelse(_ARG2_, `lookupdotdomain', `define(`_F_lookupdotdomain', `1')', _ARG3_, `lookupdotdomain', `define(`_F_lookupdotdomain', `1')')
# An explicit map without -T<TMPF> would turn lookup failures into "not
# found": warn and add the flag after the map class, as the real build
# does (LDAP specs are left alone).
define(`_CF_ACCESS_NO_TMPF_',
	`_CF_WARN(`FEATURE(access_db) map "$1" has no -T<TMPF>; adding it')dnl
define(`_F_access_db', patsubst(defn(`_F_access_db'), `^\([^ ]*\)', `\1 -T<TMPF> '))')
ifelse(_ARG_, `', `', substr(_ARG_, 0, 4), `LDAP', `',
	`ifelse(index(_ARG_, `-T<TMPF>'), `-1',
		`_CF_ACCESS_NO_TMPF_(defn(`_ARG_'))')')
