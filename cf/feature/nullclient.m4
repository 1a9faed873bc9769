divert(-1)
# FEATURE(nullclient, hub): send everything to the hub, keep nothing locally.
define(`_CF_LOADED_', `1')
ifelse(_ARG_, `', `_CF_WARN(`FEATURE(nullclient) needs the mail hub as argument')')define(`_F_nullclient', ifelse(_ARG_, `', `_NULL_CLIENT_', `_ARG_'))undefine(`ALIAS_FILE')define(`_F_no_aliases', `1')
define(`_F_allmasquerade', `1')define(`_F_masquerade_envelope', `1')MAILER(`local')MAILER(`smtp')
