divert(-1)
#
# OSTYPE(aix5) -- AIX 5: bellmail delivers local mail.
# Values as the real build shows them for this system type (local and
# UUCP mailer lines, options); a .mc may set any of them first.
#
define(`_CF_LOADED_', `1')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/bin/bellmail')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `mn9')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `mail -F $g $u')')
ifdef(`confTIME_ZONE', `', `define(`confTIME_ZONE', `')')
