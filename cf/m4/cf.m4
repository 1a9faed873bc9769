divert(-1)
#
# cf.m4 -- entry point of the project's sendmail.cf macro library.
#
#   m4 cf/m4/cf.m4 site.mc > sendmail.cf
#
# or, from inside a .mc file, include(`/path/to/cf/m4/cf.m4').
#
# Layout of the library (all m4):
#   m4/cf.m4        this file: finds the library, loads the parts below
#   m4/api.m4       the macros a .mc file calls (FEATURE, MAILER, ...)
#   m4/options.m4   conf* name -> option name table
#   m4/write.m4     writes the configuration at the end of the input
#   m4/rules*.m4    the rule sets (address parsing, policy checks)
#   feature/ ostype/ domain/ mailer/   one file per FEATURE/OSTYPE/...
#
# A .mc file only records settings; the whole sendmail.cf is written when
# the input ends (m4wrap), so FEATUREs may come in any order.
#
ifdef(`_CF_DIR_', `',
	`define(`_CF_DIR_',
		ifelse(patsubst(__file__, `m4/cf\.m4$', `'), __file__,
			`../',
			`patsubst(__file__, `m4/cf\.m4$', `')'))')
include(_CF_DIR_`m4/api.m4')
include(_CF_DIR_`m4/options.m4')
include(_CF_DIR_`m4/write.m4')
dnl Written once, even when a .mc includes this file that m4 already read.
ifdef(`_CF_WRAPPED_', `', `define(`_CF_WRAPPED_', `1')m4wrap(`_CF_WRITE')')
divert(0)dnl
