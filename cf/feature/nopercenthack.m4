divert(-1)
# FEATURE(nopercenthack [, reject]): % is not an address operator.
define(`_CF_LOADED_', `1')
define(`_F_nopercenthack', `1')ifelse(_ARG_, `reject', `define(`_F_nopercenthack_reject', `1')')
ifelse(_ARG_, `reject', `', _ARG_, `nospecial', `',
	`_CF_WARN(`FEATURE(nopercenthack) needs an argument, `reject' or `nospecial' (cf.README); taking `nospecial'')')
