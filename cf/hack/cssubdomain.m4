divert(-1)
# HACK(cssubdomain): Berkeley's old campus setup -- a local host name
# under CS.Berkeley.EDU or Berkeley.EDU counts as this host (canonify).
define(`_CF_LOADED_', `1')
changecom()divert(2)dnl
R$* < @ $=w .CS.Berkeley.EDU > $*	$: $1 < @ $j > $3
R$* < @ $=w .Berkeley.EDU> $*	$: $1 < @ $j > $3
divert(-1)changecom(`#')
