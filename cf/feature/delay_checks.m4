divert(-1)
# FEATURE(delay_checks [, friend|hater]): run check_mail and check_relay from check_rcpt.
define(`_CF_LOADED_', `1')
define(`_F_delay_checks', `1')ifelse(_ARG_, `friend', `define(`_F_delay_checks_friend', `1')', _ARG_, `hater', `define(`_F_delay_checks_hater', `1')')
