divert(-1)
# HACK(debian_auth): Debian's SMTP AUTH set-up -- the user sendmail is
# trusted, default AUTH client data come from /etc/mail/default-auth-info,
# and a trusted user (class t) may authorize as anyone (Local_trust_auth).
# The words after $#ok are part of the answer, as sendmail-cf has them
# (blanks, not a tab, before what reads as a comment).
define(`_CF_LOADED_', `1')
ifdef(`confDEF_AUTH_INFO', `', `define(`confDEF_AUTH_INFO', `/etc/mail/default-auth-info')')
_CF_APPEND_LINE(`_CF_EXTRA_LOCAL_INFO_', `Tsendmail')
changecom()divert(6)dnl
SLocal_trust_auth
R$*	$: $&{auth_authen}
R$=t	$@ $#ok Trusted users...    Allow trusted users to auth= as anyone
divert(-1)changecom(`#')
