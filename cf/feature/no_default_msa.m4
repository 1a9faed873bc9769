divert(-1)
# FEATURE(no_default_msa): do not add the default MSA daemon on port 587
define(`_CF_LOADED_', `1')
define(`_F_no_default_msa', `1')
