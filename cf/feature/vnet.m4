divert(-1)
# FEATURE(vnet): IBM VNET/RSCS addressing.  Class A holds the VNET
# pseudo domains; canonify turns VM TCP/IP %-routes via *.rscs into
# node.rscs and any node under a class A domain into node.vnet; Parse1
# (where LOCAL_NET_CONFIG goes) relays node.vnet to the gateway in macro A
# (define it, e.g. with LOCAL_CONFIG, and use MAILER(xagent) there) and
# *.ibm.com straight to the host.
define(`_CF_LOADED_', `1')
_CF_APPEND_LINE(`_CF_EXTRA_LOCAL_INFO_', `CAvnet.ibm.com vnet rscs ipnet')
changecom()divert(2)dnl
R$* % ibmus.rscs < @ $+> $*	$: $1 < @ us.ibm.com > $3
R$* % ibmca.rscs < @ $+> $*	$: $1 < @ ca.ibm.com > $3
R$* % ibmuk.rscs < @ $+> $*	$: $1 < @ uk.ibm.com > $3
R$* % $-.rscs    < @ $+> $*	$: $1 < @ $2.rscs > $4
R$* < @ $-.$=A > $*	$: $1 < @ $2.vnet . >
divert(8)dnl
R$* < @ $=w . > $*	$@ $1 < @ $2 . > $3
R$* < @ $=w > $*	$@ $1 < @ $2 . > $3
R$* < @ $- . vnet . > $*	$#relay $@ $A $: $1 < @$2.VNET. > $3
R$* < @ $+.ibm.com  > $*	$#relay $@ $2.ibm.com $: $1 < @$2.ibm.com > $3
R$* < @ $+.ibm.com. > $*	$#relay $@ $2.ibm.com $: $1 < @$2.ibm.com > $3
divert(-1)changecom(`#')
