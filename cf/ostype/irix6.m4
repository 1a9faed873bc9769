divert(-1)
#
# OSTYPE(irix6) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`confDEF_USER_ID', `', `define(`confDEF_USER_ID', `998:998')')
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `/var/sendmail.st')')
ifdef(`confTIME_ZONE', `', `define(`confTIME_ZONE', `')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `mail -s -d $u')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `Ehmu9')')
ifdef(`LOCAL_MAILER_CHARSET', `', `define(`LOCAL_MAILER_CHARSET', `iso-8859-1')')
