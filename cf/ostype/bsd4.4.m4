divert(-1)
#
# OSTYPE(bsd4.4) -- a 4.4BSD host: mail.local in /usr/libexec delivers
# local mail, the status file sits in /var/log, and uux is called
# without -gC.  Values as the corpus's uucp-classic configuration shows
# them.  A .mc may set any of them first.
#
define(`_CF_LOADED_', `1')
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `/var/log/sendmail.st')')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/libexec/mail.local')')
ifdef(`UUCP_MAILER_ARGS', `', `define(`UUCP_MAILER_ARGS', `uux - -r -z -a$g $h!rmail ($u)')')
