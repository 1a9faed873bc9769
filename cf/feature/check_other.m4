divert(-1)
# FEATURE(check_other [, regex]): a check_other rule set that ends the SMTP
# session (421) on a command matching the regular expression; by default
# one that looks like a mail header ("Name:"), as cf.README documents.
define(`_CF_LOADED_', `1')
define(`_F_check_other', ifelse(_ARG_, `', `^[[:print:]]+ *:', `_ARG_'))
_CF_APPEND_LINE(`_CF_EXTRA_LOCAL_INFO_', `Kbadcmd regex -m -a<BADCMD> '_F_check_other)
