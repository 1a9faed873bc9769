divert(-1)
#
# OSTYPE(debian) -- a Debian host.
#
# Each value below was read off the output of a real Debian build: the
# corpus's debian/sendmail.cf (OSTYPE(debian) with DOMAIN(debian-mta)),
# with small probe .mc files telling which of the two adds what.
#   - version macro $Z carries the Debian package revision;
#   - local delivery goes through Debian's sensible-mda wrapper, which
#     gets the sender, the user, the detail and the client address;
#   - spool-side files live under /var/lib/sendmail;
#   - with delay_checks, check_rcpt hands check_mail the {mail_from}
#     macro instead of <$f>.
#
define(`_CF_LOADED_', `1')
define(`confCF_VERSION', `Debian-2+deb12u2')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/sbin/sensible-mda')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `Pn9S')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `sensible-mda $g $u $h ${client_addr}')')
define(`STATUS_FILE', `/var/lib/sendmail/sendmail.st')
define(`confDEAD_LETTER_DROP', `/var/lib/sendmail/dead.letter')
define(`confDEF_USER_ID', `mail:mail')
define(`confME_TOO', `True')
dnl MustQuoteChars is a dot and an apostrophe; the value is left unquoted
dnl so the apostrophe stays a plain character.
define(`confMUST_QUOTE_CHARS', .')
define(`confREJECT_NUL', `true')
define(`confBIND_OPTS', `+WorkAroundBrokenAAAA')
define(`confSMTP_LOGIN_MSG', `$j Sendmail $v/$Z; $b; (No UCE/UBE) $?{client_addr}logging access from: ${client_name}(${client_resolve})-$_$.')
define(`_CF_MAIL_FROM_MACRO_', `1')
ifdef(`confEBINDIR', `', `define(`confEBINDIR', `/usr/libexec/sendmail')')
ifdef(`confHOST_STATUS_DIRECTORY', `', `define(`confHOST_STATUS_DIRECTORY', `/var/lib/sendmail/host_status')')
ifdef(`PROCMAIL_MAILER_PATH', `', `define(`PROCMAIL_MAILER_PATH', `/usr/bin/procmail')')
ifdef(`PROCMAIL_MAILER_ARGS', `', `define(`PROCMAIL_MAILER_ARGS', `procmail -m $h $f $u')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -z -a$g -gC $h!rmail ($u)')')
