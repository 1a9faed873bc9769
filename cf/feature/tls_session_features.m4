divert(-1)
# FEATURE(tls_session_features): rule sets tls_srv_features and
# tls_clt_features that give TLS options per peer, from the access map's
# TLS_Srv_Features: and TLS_Clt_Features: entries (with access_db).
define(`_CF_LOADED_', `1')
define(`_F_tls_session_features', `1')
