divert(-1)
# FEATURE(relay_mail_from): relay when the access map has From:sender RELAY
define(`_CF_LOADED_', `1')
define(`_F_relay_mail_from', `1')
