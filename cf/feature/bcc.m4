divert(-1)
# FEATURE(bcc [, map spec]): blind copies.  Sets AddBcc, declares the
# bcctable map (default: DATABASE_MAP_TYPE over MAIL_SETTINGS_DIRbcctable)
# and the rule sets sendmail calls: bcc (which recipient domains get a
# copy: the domain or a parent domain in bcctable) and ParseBcc, called at
# the end of Parse0, which routes the copy (address type "e b") to the
# mailer:host in macro A.
define(`_CF_LOADED_', `1')
define(`_F_bcc', ifelse(_ARG_, `', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash') MAIL_SETTINGS_DIR`'bcctable', `_ARG_'))
