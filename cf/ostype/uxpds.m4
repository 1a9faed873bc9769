divert(-1)
#
# OSTYPE(uxpds) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
_CF_WARN(`OSTYPE(uxpds) asks for a default group id alone (confDEF_GROUP_ID, obsolete): set confDEF_USER_ID as user:group instead')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/ucblib/binmail')')
ifdef(`LOCAL_SHELL_FLAGS', `', `define(`LOCAL_SHELL_FLAGS', `ehuP')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -a$f -gmedium $h!rmail ($u)')')
