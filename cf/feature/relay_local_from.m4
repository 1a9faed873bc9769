divert(-1)
# FEATURE(relay_local_from): relay when the envelope sender is local
define(`_CF_LOADED_', `1')
define(`_F_relay_local_from', `1')
