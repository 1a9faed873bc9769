divert(-1)
#
# options.m4 -- the conf* names of cf.README's table and the sendmail
# option each one sets.  _CF_OPTIONS writes an "O Name=value" line for
# every conf* the .mc (or an OSTYPE/DOMAIN/FEATURE file) defined, after
# filling in the values a standard configuration always sets.
#
define(`_CF_OPT', `ifdef(`$1', `O $2=$1
')')
define(`_CF_OPTION_TABLE', `dnl
_CF_OPT(`confTRUSTED_USER', `TrustedUser')dnl
_CF_OPT(`confSEVEN_BIT_INPUT', `SevenBitInput')dnl
_CF_OPT(`confEIGHT_BIT_HANDLING', `EightBitMode')dnl
_CF_OPT(`confALIAS_WAIT', `AliasWait')dnl
_CF_OPT(`confMIN_FREE_BLOCKS', `MinFreeBlocks')dnl
_CF_OPT(`confMAX_MESSAGE_SIZE', `MaxMessageSize')dnl
_CF_OPT(`confBLANK_SUB', `BlankSub')dnl
_CF_OPT(`confCON_EXPENSIVE', `HoldExpensive')dnl
_CF_OPT(`confCHECKPOINT_INTERVAL', `CheckpointInterval')dnl
_CF_OPT(`confDELIVERY_MODE', `DeliveryMode')dnl
_CF_OPT(`confERROR_MODE', `ErrorMode')dnl
_CF_OPT(`confERROR_MESSAGE', `ErrorHeader')dnl
_CF_OPT(`confSAVE_FROM_LINES', `SaveFromLine')dnl
_CF_OPT(`confTEMP_FILE_MODE', `TempFileMode')dnl
_CF_OPT(`confMATCH_GECOS', `MatchGECOS')dnl
_CF_OPT(`confMAX_HOP', `MaxHopCount')dnl
_CF_OPT(`confIGNORE_DOTS', `IgnoreDots')dnl
_CF_OPT(`confBIND_OPTS', `ResolverOptions')dnl
_CF_OPT(`confMIME_FORMAT_ERRORS', `SendMimeErrors')dnl
_CF_OPT(`confFORWARD_PATH', `ForwardPath')dnl
_CF_OPT(`confMCI_CACHE_SIZE', `ConnectionCacheSize')dnl
_CF_OPT(`confMCI_CACHE_TIMEOUT', `ConnectionCacheTimeout')dnl
_CF_OPT(`confHOST_STATUS_DIRECTORY', `HostStatusDirectory')dnl
_CF_OPT(`confSINGLE_THREAD_DELIVERY', `SingleThreadDelivery')dnl
_CF_OPT(`confUSE_ERRORS_TO', `UseErrorsTo')dnl
_CF_OPT(`confLOG_LEVEL', `LogLevel')dnl
_CF_OPT(`confME_TOO', `MeToo')dnl
_CF_OPT(`confCHECK_ALIASES', `CheckAliases')dnl
_CF_OPT(`confOLD_STYLE_HEADERS', `OldStyleHeaders')dnl
_CF_OPT(`confPRIVACY_FLAGS', `PrivacyOptions')dnl
_CF_OPT(`confCOPY_ERRORS_TO', `PostmasterCopy')dnl
_CF_OPT(`confQUEUE_FACTOR', `QueueFactor')dnl
_CF_OPT(`confQUEUE_FILE_MODE', `QueueFileMode')dnl
_CF_OPT(`confDONT_PRUNE_ROUTES', `DontPruneRoutes')dnl
_CF_OPT(`confSAFE_QUEUE', `SuperSafe')dnl
_CF_OPT(`confTO_INITIAL', `Timeout.initial')dnl
_CF_OPT(`confTO_CONNECT', `Timeout.connect')dnl
_CF_OPT(`confTO_ICONNECT', `Timeout.iconnect')dnl
_CF_OPT(`confTO_ACONNECT', `Timeout.aconnect')dnl
_CF_OPT(`confTO_HELO', `Timeout.helo')dnl
_CF_OPT(`confTO_MAIL', `Timeout.mail')dnl
_CF_OPT(`confTO_RCPT', `Timeout.rcpt')dnl
_CF_OPT(`confTO_DATAINIT', `Timeout.datainit')dnl
_CF_OPT(`confTO_DATABLOCK', `Timeout.datablock')dnl
_CF_OPT(`confTO_DATAFINAL', `Timeout.datafinal')dnl
_CF_OPT(`confTO_RSET', `Timeout.rset')dnl
_CF_OPT(`confTO_QUIT', `Timeout.quit')dnl
_CF_OPT(`confTO_MISC', `Timeout.misc')dnl
_CF_OPT(`confTO_COMMAND', `Timeout.command')dnl
_CF_OPT(`confTO_IDENT', `Timeout.ident')dnl
_CF_OPT(`confTO_FILEOPEN', `Timeout.fileopen')dnl
_CF_OPT(`confTO_LHLO', `Timeout.lhlo')dnl
_CF_OPT(`confTO_AUTH', `Timeout.auth')dnl
_CF_OPT(`confTO_STARTTLS', `Timeout.starttls')dnl
_CF_OPT(`confTO_CONTROL', `Timeout.control')dnl
_CF_OPT(`confTO_QUEUERETURN', `Timeout.queuereturn')dnl
_CF_OPT(`confTO_QUEUEWARN', `Timeout.queuewarn')dnl
_CF_OPT(`confTO_QUEUEWARN_NORMAL', `Timeout.queuewarn.normal')dnl
_CF_OPT(`confTO_QUEUEWARN_URGENT', `Timeout.queuewarn.urgent')dnl
_CF_OPT(`confTO_HOSTSTATUS', `Timeout.hoststatus')dnl
_CF_OPT(`confTO_RESOLVER_RETRANS', `Timeout.resolver.retrans')dnl
_CF_OPT(`confTO_RESOLVER_RETRANS_FIRST', `Timeout.resolver.retrans.first')dnl
_CF_OPT(`confTO_RESOLVER_RETRANS_NORMAL', `Timeout.resolver.retrans.normal')dnl
_CF_OPT(`confTO_RESOLVER_RETRY', `Timeout.resolver.retry')dnl
_CF_OPT(`confTO_RESOLVER_RETRY_FIRST', `Timeout.resolver.retry.first')dnl
_CF_OPT(`confTO_RESOLVER_RETRY_NORMAL', `Timeout.resolver.retry.normal')dnl
ifdef(`confTIME_ZONE', `ifelse(confTIME_ZONE, `USE_SYSTEM', `', confTIME_ZONE, `USE_TZ', `O TimeZoneSpec=
', `O TimeZoneSpec=confTIME_ZONE
')')dnl
_CF_OPT(`confDEF_USER_ID', `DefaultUser')dnl
_CF_OPT(`confUSERDB_SPEC', `UserDatabaseSpec')dnl
_CF_OPT(`confFALLBACK_MX', `FallbackMXhost')dnl
_CF_OPT(`confFALLBACK_SMARTHOST', `FallbackSmartHost')dnl
_CF_OPT(`confTLS_FALLBACK_TO_CLEAR', `TLSFallbacktoClear')dnl
_CF_OPT(`confTRY_NULL_MX_LIST', `TryNullMXList')dnl
_CF_OPT(`confQUEUE_LA', `QueueLA')dnl
_CF_OPT(`confREFUSE_LA', `RefuseLA')dnl
_CF_OPT(`confREJECT_LOG_INTERVAL', `RejectLogInterval')dnl
_CF_OPT(`confDELAY_LA', `DelayLA')dnl
_CF_OPT(`confMAX_ALIAS_RECURSION', `MaxAliasRecursion')dnl
_CF_OPT(`confMAX_DAEMON_CHILDREN', `MaxDaemonChildren')dnl
_CF_OPT(`confMAX_HEADERS_LENGTH', `MaxHeadersLength')dnl
_CF_OPT(`confMAX_MIME_HEADER_LENGTH', `MaxMimeHeaderLength')dnl
_CF_OPT(`confCONNECTION_RATE_THROTTLE', `ConnectionRateThrottle')dnl
_CF_OPT(`confCONNECTION_RATE_WINDOW_SIZE', `ConnectionRateWindowSize')dnl
_CF_OPT(`confSEPARATE_PROC', `ForkEachJob')dnl
_CF_OPT(`confWORK_CLASS_FACTOR', `ClassFactor')dnl
_CF_OPT(`confWORK_TIME_FACTOR', `RetryFactor')dnl
_CF_OPT(`confQUEUE_SORT_ORDER', `QueueSortOrder')dnl
_CF_OPT(`confMAX_QUEUE_AGE', `MaxQueueAge')dnl
_CF_OPT(`confMIN_QUEUE_AGE', `MinQueueAge')dnl
_CF_OPT(`confDEF_CHAR_SET', `DefaultCharSet')dnl
_CF_OPT(`confSERVICE_SWITCH_FILE', `ServiceSwitchFile')dnl
_CF_OPT(`confHOSTS_FILE', `HostsFile')dnl
_CF_OPT(`confDIAL_DELAY', `DialDelay')dnl
_CF_OPT(`confNO_RCPT_ACTION', `NoRecipientAction')dnl
_CF_OPT(`confSAFE_FILE_ENV', `SafeFileEnvironment')dnl
_CF_OPT(`confCOLON_OK_IN_ADDR', `ColonOkInAddr')dnl
_CF_OPT(`confMAX_QUEUE_RUN_SIZE', `MaxQueueRunSize')dnl
_CF_OPT(`confMAX_QUEUE_CHILDREN', `MaxQueueChildren')dnl
_CF_OPT(`confMAX_RUNNERS_PER_QUEUE', `MaxRunnersPerQueue')dnl
_CF_OPT(`confDONT_EXPAND_CNAMES', `DontExpandCnames')dnl
_CF_OPT(`confFROM_LINE', `UnixFromLine')dnl
_CF_OPT(`confSINGLE_LINE_FROM_HEADER', `SingleLineFromHeader')dnl
_CF_OPT(`confALLOW_BOGUS_HELO', `AllowBogusHELO')dnl
_CF_OPT(`confMUST_QUOTE_CHARS', `MustQuoteChars')dnl
_CF_OPT(`confOPERATORS', `OperatorChars')dnl
_CF_OPT(`confSMTP_LOGIN_MSG', `SmtpGreetingMessage')dnl
_CF_OPT(`confDONT_INIT_GROUPS', `DontInitGroups')dnl
_CF_OPT(`confUNSAFE_GROUP_WRITES', `UnsafeGroupWrites')dnl
_CF_OPT(`confCONNECT_ONLY_TO', `ConnectOnlyTo')dnl
_CF_OPT(`confCONTROL_SOCKET_NAME', `ControlSocketName')dnl
_CF_OPT(`confDOUBLE_BOUNCE_ADDRESS', `DoubleBounceAddress')dnl
_CF_OPT(`confSOFT_BOUNCE', `SoftBounce')dnl
_CF_OPT(`confDEAD_LETTER_DROP', `DeadLetterDrop')dnl
_CF_OPT(`confRRT_IMPLIES_DSN', `RrtImpliesDsn')dnl
_CF_OPT(`confRUN_AS_USER', `RunAsUser')dnl
_CF_OPT(`confMAX_RCPTS_PER_MESSAGE', `MaxRecipientsPerMessage')dnl
_CF_OPT(`confBAD_RCPT_THROTTLE', `BadRcptThrottle')dnl
_CF_OPT(`confDONT_PROBE_INTERFACES', `DontProbeInterfaces')dnl
_CF_OPT(`confPID_FILE', `PidFile')dnl
_CF_OPT(`confPROCESS_TITLE_PREFIX', `ProcessTitlePrefix')dnl
_CF_OPT(`confDF_BUFFER_SIZE', `DataFileBufferSize')dnl
_CF_OPT(`confXF_BUFFER_SIZE', `XScriptFileBufferSize')dnl
_CF_OPT(`confAUTH_MECHANISMS', `AuthMechanisms')dnl
_CF_OPT(`confAUTH_REALM', `AuthRealm')dnl
_CF_OPT(`confDEF_AUTH_INFO', `DefaultAuthInfo')dnl
_CF_OPT(`confAUTH_OPTIONS', `AuthOptions')dnl
_CF_OPT(`confAUTH_MAX_BITS', `AuthMaxBits')dnl
_CF_OPT(`confTLS_SRV_OPTIONS', `TLSSrvOptions')dnl
_CF_OPT(`confSERVER_SSL_OPTIONS', `ServerSSLOptions')dnl
_CF_OPT(`confCLIENT_SSL_OPTIONS', `ClientSSLOptions')dnl
_CF_OPT(`confCIPHER_LIST', `CipherList')dnl
_CF_OPT(`confLDAP_DEFAULT_SPEC', `LDAPDefaultSpec')dnl
_CF_OPT(`confCACERT_PATH', `CACertPath')dnl
_CF_OPT(`confCACERT', `CACertFile')dnl
_CF_OPT(`confSERVER_CERT', `ServerCertFile')dnl
_CF_OPT(`confSERVER_KEY', `ServerKeyFile')dnl
_CF_OPT(`confCLIENT_CERT', `ClientCertFile')dnl
_CF_OPT(`confCLIENT_KEY', `ClientKeyFile')dnl
_CF_OPT(`confCRL', `CRLFile')dnl
_CF_OPT(`confCRL_PATH', `CRLPath')dnl
_CF_OPT(`confDH_PARAMETERS', `DHParameters')dnl
_CF_OPT(`confDANE', `DANE')dnl
_CF_OPT(`confRAND_FILE', `RandFile')dnl
_CF_OPT(`confCERT_FINGERPRINT_ALGORITHM', `CertFingerprintAlgorithm')dnl
_CF_OPT(`confSSL_ENGINE', `SSLEngine')dnl
_CF_OPT(`confSSL_ENGINE_PATH', `SSLEnginePath')dnl
_CF_OPT(`confNICE_QUEUE_RUN', `NiceQueueRun')dnl
_CF_OPT(`confDIRECT_SUBMISSION_MODIFIERS', `DirectSubmissionModifiers')dnl
_CF_OPT(`confUSE_MSP', `UseMSP')dnl
_CF_OPT(`confDELIVER_BY_MIN', `DeliverByMin')dnl
_CF_OPT(`confREQUIRES_DIR_FSYNC', `RequiresDirfsync')dnl
_CF_OPT(`confSHARED_MEMORY_KEY', `SharedMemoryKey')dnl
_CF_OPT(`confFAST_SPLIT', `FastSplit')dnl
_CF_OPT(`confMAILBOX_DATABASE', `MailboxDatabase')dnl
_CF_OPT(`confMAX_NOOP_COMMANDS', `MaxNOOPCommands')dnl
_CF_OPT(`confHELO_NAME', `HeloName')dnl
_CF_OPT(`confINPUT_MAIL_FILTERS', `InputMailFilters')dnl
_CF_OPT(`confMILTER_LOG_LEVEL', `Milter.LogLevel')dnl
_CF_OPT(`confUSE_COMPRESSED_IPV6_ADDRESSES', `UseCompressedIPv6Addresses')dnl
_CF_OPT(`confTO_QUEUERETURN_NORMAL', `Timeout.queuereturn.normal')dnl
_CF_OPT(`confTO_QUEUERETURN_URGENT', `Timeout.queuereturn.urgent')dnl
_CF_OPT(`confTO_QUEUERETURN_DSN', `Timeout.queuereturn.dsn')dnl
_CF_OPT(`confTO_QUEUEWARN_DSN', `Timeout.queuewarn.dsn')dnl
_CF_OPT(`confWORK_RECIPIENT_FACTOR', `RecipientFactor')dnl
_CF_OPT(`confSHARED_MEMORY_KEY_FILE', `SharedMemoryKeyFile')dnl
_CF_OPT(`confTO_QUEUERETURN_NONURGENT', `Timeout.queuereturn.non-urgent')dnl
_CF_OPT(`confTO_QUEUEWARN_NONURGENT', `Timeout.queuewarn.non-urgent')dnl
_CF_OPT(`confREJECT_NUL', `RejectNUL')dnl
_CF_OPT(`confALIAS_FILE_OPT', `AliasFile')dnl
')

define(`_CF_OPTIONS',
`_CF_DEFAULT_OPT(`confSEVEN_BIT_INPUT', `False')dnl
dnl A submission program or null client reads no .forward files.
ifdef(`_F_msp', `define(`_CF_NO_FORWARD_', `1')')ifdef(`_F_nullclient', `define(`_CF_NO_FORWARD_', `1')')dnl
ifdef(`_CF_NO_FORWARD_', `ifdef(`confFORWARD_PATH', `', `O ForwardPath
')', `_CF_DEFAULT_OPT(`confFORWARD_PATH', `$z/.forward.$w:$z/.forward')')dnl
_CF_DEFAULT_OPT(`confALIAS_WAIT', `10')dnl
_CF_DEFAULT_OPT(`confMIN_FREE_BLOCKS', `100')dnl
_CF_DEFAULT_OPT(`confBLANK_SUB', `.')dnl
_CF_DEFAULT_OPT(`confCON_EXPENSIVE', `False')dnl
_CF_DEFAULT_OPT(`confDELIVERY_MODE', `background')dnl
_CF_DEFAULT_OPT(`confTEMP_FILE_MODE', `0600')dnl
_CF_DEFAULT_OPT(`confMIME_FORMAT_ERRORS', `True')dnl
_CF_DEFAULT_OPT(`confMCI_CACHE_SIZE', `2')dnl
_CF_DEFAULT_OPT(`confMCI_CACHE_TIMEOUT', `5m')dnl
_CF_DEFAULT_OPT(`confUSE_ERRORS_TO', `False')dnl
_CF_DEFAULT_OPT(`confLOG_LEVEL', `9')dnl
_CF_DEFAULT_OPT(`confCHECK_ALIASES', `False')dnl
_CF_DEFAULT_OPT(`confOLD_STYLE_HEADERS', `True')dnl
_CF_DEFAULT_OPT(`confPRIVACY_FLAGS', `authwarnings')dnl
_CF_DEFAULT_OPT(`confTO_QUEUERETURN', `5d')dnl
_CF_DEFAULT_OPT(`confTO_QUEUEWARN', `4h')dnl
_CF_DEFAULT_OPT(`confSAFE_QUEUE', `True')dnl
_CF_DEFAULT_OPT(`confSMTP_LOGIN_MSG', `$j Sendmail $v/$Z; $b')dnl
_CF_DEFAULT_OPT(`confFROM_LINE', `From $g $d')dnl
_CF_DEFAULT_OPT(`confOPERATORS', `.:%@!^/[]+')dnl
_CF_DEFAULT_OPT(`QUEUE_DIR', `/var/spool/mqueue')dnl
ifdef(`ALIAS_FILE', `define(`confALIAS_FILE_OPT', defn(`ALIAS_FILE'))')dnl
ifdef(`_F_msp', `', `ifdef(`_F_nullclient', `', `ifdef(`ALIAS_FILE', `', `define(`confALIAS_FILE_OPT', `MAIL_SETTINGS_DIR`'aliases')')')')dnl
_CF_OPTION_TABLE`'dnl
O QueueDirectory=QUEUE_DIR
O HelpFile=ifdef(`HELP_FILE', `HELP_FILE', `MAIL_SETTINGS_DIR`'helpfile')
ifdef(`STATUS_FILE', `O StatusFile=STATUS_FILE
')dnl
ifdef(`_CF_DAEMONS_', `_CF_DAEMONS_
', `O DaemonPortOptions=Name=MTA
')dnl
ifdef(`_F_no_default_msa', `', `O DaemonPortOptions=Port=587, Name=MSA, M=E
')dnl
ifdef(`_CF_CLIENTS_', `_CF_CLIENTS_
')dnl
ifdef(`_CF_XFILTERS_', `_CF_XFILTERS_
O Milter.macros.connect=confMILTER_MACROS_CONNECT
O Milter.macros.helo=confMILTER_MACROS_HELO
O Milter.macros.envfrom=confMILTER_MACROS_ENVFROM
O Milter.macros.envrcpt=confMILTER_MACROS_ENVRCPT
O Milter.macros.eom=confMILTER_MACROS_EOM
ifdef(`confMILTER_MACROS_EOH', `O Milter.macros.eoh=confMILTER_MACROS_EOH
')dnl
ifdef(`confMILTER_MACROS_DATA', `O Milter.macros.data=confMILTER_MACROS_DATA
')dnl
')dnl
')
ifdef(`MAIL_SETTINGS_DIR', `', `define(`MAIL_SETTINGS_DIR', `/etc/mail/')')
