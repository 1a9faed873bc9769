divert(-1)
# HACK(xconnect): rule set x_connect, which asks the access map (tag
# XConnect:, by client name, then address) whether a client's connection
# data is to be taken from an XCONNECT (proxy) command: yes or no.
define(`_CF_LOADED_', `1')
ifdef(`_F_access_db', `changecom()divert(6)dnl
Sx_connect
R$+ $| $+	$: $>D < $1 > <?> <! XConnect> < $2 >
R   $| $+	$: $>A < $1 > <?> <! XConnect> <>
R<?> <$+>	$: $>A < $1 > <?> <! XConnect> <>
R<?> <$*>	$# no
R<$+> <$*>	$@ yes
divert(-1)changecom(`#')', `_CF_WARN(`HACK(xconnect) needs FEATURE(access_db) before it')')
