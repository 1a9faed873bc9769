divert(-1)
# FEATURE(ratecontrol [, nodelay [, terminate]]): limits from the access map
# (cf.README).  With delay_checks, `nodelay' still checks at connection
# time (a check_relay of its own); `terminate' answers 421 instead of 452.
define(`_CF_LOADED_', `1')
ifelse(_CF_NEEDS_ACCESS(`ratecontrol'), `1', `define(`_F_ratecontrol', `1')define(`_CF_SRC_A_', `1')')
ifelse(_ARG_, `nodelay', `define(`_F_ratecontrol_nodelay', `1')')
ifelse(_ARG2_, `terminate', `define(`_F_ratecontrol_terminate', `1')')
