divert(-1)
#
# OSTYPE(sinix) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `/var/sendmail.st')')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/bin/mail.local')')
