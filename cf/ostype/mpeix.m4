divert(-1)
#
# OSTYPE(mpeix) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`confDEF_USER_ID', `', `define(`confDEF_USER_ID', `SERVER.SENDMAIL')')
ifdef(`confDONT_BLAME_SENDMAIL', `', `define(`confDONT_BLAME_SENDMAIL', `ForwardFileInGroupWritableDirPath')')
ifdef(`confTIME_ZONE', `', `define(`confTIME_ZONE', `')')
ifdef(`confTRUSTED_USER', `', `define(`confTRUSTED_USER', `SERVER.SENDMAIL')')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/bin/tsmail')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `tsmail $u')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `mu9')')
