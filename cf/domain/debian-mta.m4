divert(-1)
# DOMAIN(debian-mta): Debian's MTA settings (status files and sockets
# under /var/run/sendmail and /var/lib/sendmail).
define(`_CF_LOADED_', `1')
define(`STATUS_FILE', `/var/lib/sendmail/sendmail.st')
define(`confHOST_STATUS_DIRECTORY', `/var/lib/sendmail/host_status')
define(`confPID_FILE', `/var/run/sendmail/mta/sendmail.pid')
define(`confCONTROL_SOCKET_NAME', `/var/run/sendmail/mta/smcontrol')
define(`confPROCESS_TITLE_PREFIX', `MTA')
define(`confMAX_DAEMON_CHILDREN', `0')
define(`confRRT_IMPLIES_DSN', `False')
define(`confSAFE_FILE_ENV', `/')
define(`confSAFE_QUEUE', `True')
