divert(-1)
# OSTYPE(generic): no system specific settings; the library defaults.
define(`_CF_LOADED_', `1')
