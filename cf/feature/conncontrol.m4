divert(-1)
# FEATURE(conncontrol [, nodelay [, terminate]]): ClientConn: limits from the access map.
define(`_CF_LOADED_', `1')
define(`_F_conncontrol', `1')define(`_F_conncontrol_or_rate', `1')define(`_CF_SRC_A_', `1')
