divert(-1)
# FEATURE(lookupdotdomain): access map: also try .domain keys
define(`_CF_LOADED_', `1')
define(`_F_lookupdotdomain', `1')
