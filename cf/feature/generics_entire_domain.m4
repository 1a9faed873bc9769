divert(-1)
# FEATURE(generics_entire_domain): generics domains include their subdomains
define(`_CF_LOADED_', `1')
define(`_F_generics_entire_domain', `1')
