divert(-1)
dnl #
dnl # checks-helo.m4 -- FEATURE(block_bad_helo): a client that is neither
dnl # authenticated nor local and greets with one of our own names, or with
dnl # an unqualified name, is refused.  sendmail-cf puts the rules at the
dnl # end of check_rcpt with delay_checks, else at the end of Relay_ok.
dnl #
divert(0)dnl
R$*	$: $1 $| <$&{auth_authen}>
R$* $| <$+>	$: $1
R$* $| <$*>	$: $1 $| <$&{client_addr}> [$&s]
R$* $| <$=R $*> [$*]	$: $1
R$* $| <0> [$*]	$: $1
R$* $| <$*> $=w	$#error $@ 5.7.1 $:"550 bogus HELO name used: " $&s
R$* $| <$*> [$=w]	$#error $@ 5.7.1 $:"550 bogus HELO name used: " $&s
R$* $| <$*> [$+.$+]	$: $1
R$* $| <$*> [IPv6:$+]	$: $1
R$* $| <$*> [$*]	$#error $@ 5.7.1 $:"550 bogus HELO name used: " $&s
R$* $| $*	$: $1
