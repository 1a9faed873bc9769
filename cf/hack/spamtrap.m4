divert(-1)
# HACK(spamtrap): a recipient the access map tags To:address POISON marks
# the whole message ({PoisonRecipient}), which check_eoh then refuses; a
# To: header naming such an address is refused as well (rule set CheckTo).
define(`_CF_LOADED_', `1')
define(`_H_spamtrap', `1')
changecom()divert(6)dnl
SLocal_check_rcpt
R$*	$: $1 $| $1
R$* $| $* <$+> $*	$1 $| $3
R$* $| $+	$: $1 $| $>SearchList <!To> $| <E:$2> <>
R$* $| <POISON>	$: $1 $| $(macro {PoisonRecipient} $@ POISON $)
R$* $| $*	$: $1
Scheck_eoh
R$*	$: $&{PoisonRecipient}
RPOISON	$#error $@ 5.7.1 $: 550 Mail sent to spam lists is not accepted here
HTo: $>CheckTo
SCheckTo
R$+ , $+	$@ $1 , $2
R$*	$: $1 $| $>SearchList <!To> $| <E:$1> <>
R$* $| <POISON>	$#error $@ 5.7.1 $: 550 Mail sent by spamware is not accepted here
R$* $| $*	$: $1
divert(-1)changecom(`#')
