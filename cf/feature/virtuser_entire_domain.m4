divert(-1)
# FEATURE(virtuser_entire_domain): virtual user domains include their subdomains
define(`_CF_LOADED_', `1')
define(`_F_virtuser_entire_domain', `1')
