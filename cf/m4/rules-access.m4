divert(-1)
dnl #
dnl # rules-access.m4 -- lookups in the access map.
dnl #   D: <domain> <default> <+|! Tag> <passthrough>  tries Tag:domain, then
dnl #      (for + tags) the bare domain, then each parent domain; an IP address
dnl #      in brackets is cut back one part at a time.
dnl #   A: the same for network numbers (IPv4 by dots, IPv6 by colons).
dnl # Both return <answer> <passthrough>; a temporary map failure is <<TMPF>>.
dnl #
divert(0)dnl
SD
R<$*> <$+> <$- $-> <$*>	$: < $(access $4:$1 $: ? $) > <$1> <$2> <$3 $4> <$5>
R<?> <$+> <$+> <+ $-> <$*>	$: < $(access $1 $: ? $) > <$1> <$2> <+ $3> <$4>
ifdef(`_F_access_skip', `R<SKIP> <$+> <$+> <$- $-> <$*>	$@ <$2> <$5>
')dnl
ifdef(`_F_lookupdotdomain', `R<?> <$+.$+> <$+> <$- $-> <$*>	$: < $(access $5:.$2 $: ? $) > <$1.$2> <$3> <$4 $5> <$6>
R<?> <$+.$+> <$+> <+ $-> <$*>	$: < $(access .$2 $: ? $) > <$1.$2> <$3> <+ $4> <$5>
')dnl
R<?> <[$+.$-]> <$+> <$- $-> <$*>	$@ $>D <[$1]> <$3> <$4 $5> <$6>
R<?> <[$+::$-]> <$+> <$- $-> <$*>	$: $>D <[$1]> <$3> <$4 $5> <$6>
R<?> <[$+:$-]> <$+> <$- $-> <$*>	$: $>D <[$1]> <$3> <$4 $5> <$6>
R<?> <$+.$+> <$+> <$- $-> <$*>	$@ $>D <$2> <$3> <$4 $5> <$6>
R<?> <$+> <$+> <$- $-> <$*>	$@ <$2> <$5>
R<$* <TMPF>> <$+> <$+> <$- $-> <$*>	$@ <<TMPF>> <$6>
R<$*> <$+> <$+> <$- $-> <$*>	$@ <$1> <$6>
SA
R<$+> <$+> <$- $-> <$*>	$: < $(access $4:$1 $: ? $) > <$1> <$2> <$3 $4> <$5>
R<?> <$+> <$+> <+ $-> <$*>	$: < $(access $1 $: ? $) > <$1> <$2> <+ $3> <$4>
ifdef(`_F_access_skip', `R<SKIP> <$+> <$+> <$- $-> <$*>	$@ <$2> <$5>
')dnl
R<?> <$+::$-> <$+> <$- $-> <$*>	$@ $>A <$1> <$3> <$4 $5> <$6>
R<?> <$+:$-> <$+> <$- $-> <$*>	$@ $>A <$1> <$3> <$4 $5> <$6>
R<?> <$+.$-> <$+> <$- $-> <$*>	$@ $>A <$1> <$3> <$4 $5> <$6>
R<?> <$+> <$+> <$- $-> <$*>	$@ <$2> <$5>
R<$* <TMPF>> <$+> <$+> <$- $-> <$*>	$@ <<TMPF>> <$6>
R<$*> <$+> <$+> <$- $-> <$*>	$@ <$1> <$6>
