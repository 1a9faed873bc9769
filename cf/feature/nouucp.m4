divert(-1)
# FEATURE(nouucp [, reject]): ! is not an address operator.
define(`_CF_LOADED_', `1')
define(`_F_nouucp', `1')ifelse(_ARG_, `reject', `define(`_F_nouucp_reject', `1')')
