divert(-1)
# FEATURE(drac [, map spec]): relaying for clients whose address a
# DRAC server put into the drac map (POP/IMAP before SMTP), checked in
# Relay_ok.  Default map: DATABASE_MAP_TYPE over MAIL_SETTINGS_DIRdrac.
define(`_CF_LOADED_', `1')
define(`_F_drac', ifelse(_ARG_, `', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') MAIL_SETTINGS_DIR`'drac', `_ARG_'))
