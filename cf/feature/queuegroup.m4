divert(-1)
# FEATURE(queuegroup [, default group]): a queuegroup rule set choosing the
# queue group from QGRP: entries of the access map, by full recipient
# address, then by its domain; the argument is the group otherwise.
define(`_CF_LOADED_', `1')
define(`_F_queuegroup', `1')
define(`_F_queuegroup_default', defn(`_ARG_'))
