divert(-1)
# FEATURE(local_no_masquerade): do not masquerade mail to local mailboxes
define(`_CF_LOADED_', `1')
define(`_F_local_no_masquerade', `1')
