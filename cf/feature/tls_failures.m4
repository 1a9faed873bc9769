divert(-1)
# FEATURE(tls_failures): gone from sendmail 8.17; the option
# confTLS_FALLBACK_TO_CLEAR (TLSFallbacktoClear) does its job.
define(`_CF_LOADED_', `1')
errprint(_CF_WHERE_`: FEATURE(tls_failures) no longer exists; define(`confTLS_FALLBACK_TO_CLEAR', `True') instead
')m4exit(`1')
