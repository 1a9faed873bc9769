divert(-1)
# FEATURE(ratecontrol [, nodelay [, terminate]]): ClientRate: limits from the access map.
define(`_CF_LOADED_', `1')
define(`_F_ratecontrol', `1')define(`_F_conncontrol_or_rate', `1')define(`_CF_SRC_A_', `1')
