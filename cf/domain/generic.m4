divert(-1)
#
# DOMAIN(generic) -- cf.README's "sufficiently bland" site definition.
#
# What the real build adds for it (seen in the corpus configs that use
# it, and in test/fixtures/cf/generic-domain.mc, which uses nothing else):
# local host names read from a file, the .REDIRECT pseudo domain, root
# never masqueraded, .forward files that may carry a +detail suffix, and
# a 32k limit on header size.
#
define(`_CF_LOADED_', `1')
FEATURE(`redirect')
FEATURE(`use_cw_file')
EXPOSED_USER(`root')
define(`confFORWARD_PATH', `$z/.forward.$w+$h:$z/.forward+$h:$z/.forward.$w:$z/.forward')
define(`confMAX_HEADERS_LENGTH', `32768')
