divert(-1)
# FEATURE(tls_failures): replaced in sendmail 8.17 by the option
# confTLS_FALLBACK_TO_CLEAR (TLSFallbacktoClear), which it now sets.
define(`_CF_LOADED_', `1')
_CF_WARN(`FEATURE(tls_failures) is replaced by define(`confTLS_FALLBACK_TO_CLEAR', `true'); setting that')
define(`confTLS_FALLBACK_TO_CLEAR', `true')
