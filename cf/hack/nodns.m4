divert(-1)
# HACK(nodns): a host without DNS -- host names are not canonified (as
# FEATURE(nocanonify)), the service switch is service.switch-nodns and
# no interfaces are probed.
define(`_CF_LOADED_', `1')
define(`_F_nocanonify', `1')
ifdef(`confSERVICE_SWITCH_FILE', `', `define(`confSERVICE_SWITCH_FILE', `/etc/mail/service.switch-nodns')')
define(`confDONT_PROBE_INTERFACES', `True')
