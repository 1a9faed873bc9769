divert(-1)
# FEATURE(blacklist_recipients): check recipients against the access map
define(`_CF_LOADED_', `1')
_CF_WARN(`FEATURE(blacklist_recipients) is deprecated; use FEATURE(blocklist_recipients)')
ifelse(_CF_NEEDS_ACCESS(`blacklist_recipients'), `1', `define(`_F_blacklist_recipients', `1')')
