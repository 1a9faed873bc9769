divert(-1)
#
# OSTYPE(unicosmk) -- local delivery and system paths for this system type,
# the values the sendmail-cf build shows for it; a .mc may set any of
# them before the OSTYPE line.
#
define(`_CF_LOADED_', `1')
ifdef(`ALIAS_FILE', `', `define(`ALIAS_FILE', `/usr/lib/aliases')')
ifdef(`HELP_FILE', `', `define(`HELP_FILE', `/usr/lib/sendmail.hf')')
ifdef(`confPID_FILE', `', `define(`confPID_FILE', `/etc/sendmail.pid')')
ifdef(`QUEUE_DIR', `', `define(`QUEUE_DIR', `/usr/spool/mqueue')')
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `/usr/lib/sendmail.st')')
ifdef(`LOCAL_SHELL_FLAGS', `', `define(`LOCAL_SHELL_FLAGS', `lsDFMpxehuo')')
