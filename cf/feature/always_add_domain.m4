divert(-1)
# FEATURE(always_add_domain): qualify local addresses in headers for local delivery too
define(`_CF_LOADED_', `1')
define(`_F_always_add_domain', `1')
ifdef(`_CF_MAILER_local_', `_CF_WARN(`FEATURE(always_add_domain) after MAILER(local): the local mailer was written without it; put MAILER(local) after the FEATURE')')
