divert(-1)
# DOMAIN(generic): a generic site -- local host names from a file,
# user@host.REDIRECT answers, root never masqueraded, .forward with +detail.
define(`_CF_LOADED_', `1')
define(`confFORWARD_PATH', `$z/.forward.$w+$h:$z/.forward+$h:$z/.forward.$w:$z/.forward')
define(`confMAX_HEADERS_LENGTH', `32768')
FEATURE(`redirect')
FEATURE(`use_cw_file')
EXPOSED_USER(`root')
