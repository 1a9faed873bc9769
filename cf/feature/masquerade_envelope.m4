divert(-1)
# FEATURE(masquerade_envelope): masquerade envelope addresses as well
define(`_CF_LOADED_', `1')
define(`_F_masquerade_envelope', `1')
