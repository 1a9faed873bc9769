divert(-1)
#
# DOMAIN(debian-mta) -- Debian's settings for the daemon (MTA) side.
#
# Values as the corpus's debian/sendmail.cf shows them (attributed to this
# DOMAIN rather than to OSTYPE(debian) by compiling probe .mc files):
# a trusted "smmta" user, pid file and control socket under
# /var/run/sendmail/mta, group-readable queue files, relaxed file
# safety checks, shorter SMTP timeouts, no child limit.
#
define(`_CF_LOADED_', `1')
define(`confTRUSTED_USER', `smmta')
define(`confPID_FILE', `/var/run/sendmail/mta/sendmail.pid')
define(`confCONTROL_SOCKET_NAME', `/var/run/sendmail/mta/smcontrol')
define(`confPROCESS_TITLE_PREFIX', `MTA')
define(`STATUS_FILE', `/var/lib/sendmail/sendmail.st')
define(`confMAX_DAEMON_CHILDREN', `0')
define(`confMAX_HOP', `100')
define(`confMAX_RUNNERS_PER_QUEUE', `5')
define(`confQUEUE_FILE_MODE', `0640')
define(`confTEMP_FILE_MODE', `0640')
define(`confRRT_IMPLIES_DSN', `False')
define(`confSAFE_FILE_ENV', `/')
define(`confTO_ICONNECT', `2m')
define(`confTO_MAIL', `2m')
define(`confTO_DATAINIT', `2m')
define(`confTO_RSET', `1m')
define(`confTO_QUIT', `2m')
define(`confTO_COMMAND', `5m')
define(`confTO_IDENT', `5s')
define(`confDONT_BLAME_SENDMAIL', `,AssumeSafeChown,ForwardFileInGroupWritableDirPath,GroupWritableForwardFileSafe,GroupWritableIncludeFileSafe,IncludeFileInGroupWritableDirPath,DontWarnForwardFileInUnsafeDirPath,TrustStickyBit,NonRootSafeAddr,GroupWritableIncludeFile,GroupReadableDefaultAuthInfoFile')
