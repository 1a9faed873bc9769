divert(-1)
# FEATURE(blocklist_recipients): check recipients against the access map
define(`_CF_LOADED_', `1')
ifelse(_CF_NEEDS_ACCESS(`blocklist_recipients'), `1', `define(`_F_blocklist_recipients', `1')define(`_F_blacklist_recipients', `1')')
