divert(-1)
# FEATURE(smrsh): run programs through smrsh
define(`_CF_LOADED_', `1')
define(`_F_smrsh', `1')
define(`LOCAL_SHELL_PATH', ifelse(_ARG_, `', `ifdef(`confEBINDIR', `confEBINDIR', `/usr/libexec')/smrsh', `_ARG_'))define(`LOCAL_SHELL_ARGS', `smrsh  -c $u')
