divert(-1)
# FEATURE(prefixmod, prefix, flags): a recipient written "prefix user"
# loses the prefix at the end of Parse0 and the delivery gets the given
# recipient flags (macro {rcpt_flags}).  One prefix per configuration: a
# later use replaces an earlier one.
define(`_CF_LOADED_', `1')
ifelse(_ARG_, `', `_CF_WARN(`FEATURE(prefixmod) needs a prefix as its first argument')')
ifelse(_ARG2_, `', `_CF_WARN(`FEATURE(prefixmod) needs two arguments: prefix and flags')')
define(`_F_prefixmod', _ARG_)
define(`_F_prefixmod_flags', ifelse(_ARG2_, `', `_PREFIX_FLAGS_', `_ARG2_'))
