divert(-1)
#
# OSTYPE(osf1) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`confDEF_USER_ID', `', `define(`confDEF_USER_ID', `daemon')')
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `/usr/adm/sendmail/sendmail.st')')
