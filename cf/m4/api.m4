divert(-1)
#
# api.m4 -- the macros a sendmail.mc file calls.  They record settings in
# m4 macros named _CF_* (or the documented conf*/MAIL_HUB/... names) and
# collect text for the LOCAL_* sections in diversions:
#   1 LOCAL_CONFIG   2 LOCAL_RULE_3   3 LOCAL_RULE_0   4 LOCAL_RULE_1
#   5 LOCAL_RULE_2   6 LOCAL_RULESETS 7 mailer definitions
#   8 LOCAL_NET_CONFIG (and vnet's routing rules)
# and, written by features: 9 check_relay rules (dnsbl, rhsbl ...),
#   11 class and map lines (domainmap).
#

# _CF_ERR(message): report a configuration error at the current input
# position (the .mc line being read) and stop with exit status 1.
define(`_CF_ERR', `errprint(__file__:__line__`: $1
')m4exit(`1')')

# _CF_APPEND(name, text): append text to a space separated list macro.
define(`_CF_APPEND', `define(`$1', ifdef(`$1', `defn(`$1')` '')`$2')')

# _CF_LOAD(kind, name, what): read library file kind/name.m4 with output
# discarded, or fail naming the .mc line.
define(`_CF_LOAD',
	`ifelse(`$2', `', `_CF_ERR(`$3 needs a name')')dnl
pushdef(`_CF_PREVDIV_', divnum)divert(-1)define(`_CF_LOADED_', `0')dnl
pushdef(`_CF_WHERE_', __file__:__line__)dnl
sinclude(_CF_DIR_`$1/$2.m4')dnl
ifelse(_CF_LOADED_, `1', `',
	`_CF_ERR(`unknown $3 `$2' (no file $1/$2.m4 in the cf library)')')dnl
popdef(`_CF_WHERE_')divert(_CF_PREVDIV_)popdef(`_CF_PREVDIV_')')

# _CF_WARN(message): a warning naming the .mc line of the FEATURE (or
# other library call) being read.
define(`_CF_WARN', `errprint(_CF_WHERE_`: warning: $1
')')

# _CF_MAPSPEC(ldap map name, default spec [, ldap flags]): the map spec a
# map FEATURE declares: its argument, the default when there is none, or
# for `LDAP' the sendmailMTAMap schema lookup (cf.README) under that name.
define(`_CF_MAPSPEC',
	`ifelse(_ARG_, `', ``$2'', _ARG_, `LDAP', `_CF_LDAP_MAP(`$1', `$3')', `_ARG_')')
define(`_CF_LDAP_MAP', ``ldap $2-1 -v sendmailMTAMapValue,sendmailMTAMapSearch:FILTER:sendmailMTAMapObject,sendmailMTAMapURL:URL:sendmailMTAMapObject -k (&(objectClass=sendmailMTAMapObject)(|(sendmailMTACluster=${sendmailMTACluster})(sendmailMTAHost=$j))(sendmailMTAMapName=$1)(sendmailMTAKey=%0))'')

# _CF_NEEDS_ACCESS(feature): 1 when FEATURE(access_db) came before, else a
# warning naming the .mc line (and 0: the feature then adds nothing).
define(`_CF_NEEDS_ACCESS', `ifdef(`_F_access_db', `1', `_CF_WARN(`FEATURE($1) needs FEATURE(access_db) before it')0')')

# The documented entry points.
# VERSIONID(text): the text becomes a comment line at the top of the cf.
define(`VERSIONID', `_CF_APPEND_LINE(`_CF_VERSIONIDS_', `#####  $1  #####')')
define(`OSTYPE', `define(`__OSTYPE__', `$1')_CF_LOAD(`ostype', `$1', `OSTYPE')')
define(`DOMAIN', `_CF_LOAD(`domain', `$1', `DOMAIN')')
# A FEATURE read after a MAILER is too late for the mailer's rules: warn
# (the build goes on, as the real one does).
define(`FEATURE',
	`ifdef(`_CF_MAILERS_', `errprint(__file__:__line__`: warning: FEATURE(`$1') after MAILER(): features belong before the mailers (cf.README)
')')dnl
_CF_LOAD_WITH_ARGS(`feature', `FEATURE', $@)')
define(`HACK', `_CF_LOAD_WITH_ARGS(`hack', `HACK', $@)')
# _CF_LOAD_WITH_ARGS(kind, what, name, args...): load kind/name.m4 with
# the arguments as _ARG_, _ARG2_ ... _ARG6_ and their count as _NARGS_.
define(`_CF_LOAD_WITH_ARGS',
	`pushdef(`_ARG_', `$4')pushdef(`_ARG2_', `$5')pushdef(`_ARG3_', `$6')dnl
pushdef(`_ARG4_', `$7')pushdef(`_ARG5_', `$8')pushdef(`_ARG6_', `$9')dnl
pushdef(`_NARGS_', decr(decr(`$#')))dnl
_CF_LOAD(`$1', `$3', `$2')dnl
popdef(`_ARG_')popdef(`_ARG2_')popdef(`_ARG3_')popdef(`_ARG4_')dnl
popdef(`_ARG5_')popdef(`_ARG6_')popdef(`_NARGS_')')

# MAILER(name): mailer definitions are written to diversion 7 when the
# MAILER line is read (so defines before it take effect, as documented).
# A mailer named twice is a warning (FEATURE(msp) and FEATURE(nullclient)
# name local and smtp themselves); MAILER(local) that another mailer
# brought in first is not.
define(`MAILER',
	`ifdef(`_CF_MAILER_$1_EXPLICIT_', `errprint(__file__:__line__`: warning: MAILER($1) already included
')', `define(`_CF_MAILER_$1_EXPLICIT_', `1')_CF_MAILER_LOAD(`$1')')')
define(`_CF_MAILER_LOAD',
	`ifdef(`_CF_MAILER_$1_', `',
		`define(`_CF_MAILER_$1_', `1')_CF_APPEND(`_CF_MAILERS_', `$1')dnl
ifelse(`$1', `local', `',
	`ifdef(`_CF_MAILER_local_', `', `_CF_MAILER_LOAD(`local')')')dnl
pushdef(`_CF_PREVDIV_', divnum)divert(-1)define(`_CF_LOADED_', `0')dnl
pushdef(`_CF_WHERE_', __file__:__line__)dnl
sinclude(_CF_DIR_`mailer/$1.m4')dnl
ifelse(_CF_LOADED_, `1', `',
	`_CF_ERR(`unknown MAILER `$1' (no file mailer/$1.m4 in the cf library)')')dnl
popdef(`_CF_WHERE_')divert(_CF_PREVDIV_)popdef(`_CF_PREVDIV_')')')

# Sections of raw configuration text.
define(`LOCAL_CONFIG', `divert(1)')
define(`LOCAL_RULE_3', `divert(2)')
define(`LOCAL_RULE_0', `divert(3)')
define(`LOCAL_RULE_1', `divert(4)')
define(`LOCAL_RULE_2', `divert(5)')
define(`LOCAL_RULESETS', `divert(6)')
define(`MAILER_DEFINITIONS', `divert(7)')
define(`LOCAL_NET_CONFIG', `define(`_CF_LOCAL_NET_CONFIG_', `1')divert(8)')

# Lists of names.
define(`MASQUERADE_AS', `define(`_CF_MASQ_AS_', `$1')')
define(`MASQUERADE_DOMAIN', `_CF_APPEND(`_CF_CLASS_M_', `$1')')
define(`MASQUERADE_DOMAIN_FILE', `_CF_APPEND(`_CF_FILES_M_', `$1')')
define(`MASQUERADE_EXCEPTION', `_CF_APPEND(`_CF_CLASS_N_', `$1')')
define(`MASQUERADE_EXCEPTION_FILE', `_CF_APPEND(`_CF_FILES_N_', `$1')')
define(`EXPOSED_USER', `_CF_APPEND(`_CF_CLASS_E_', `$1')')
define(`EXPOSED_USER_FILE', `_CF_APPEND(`_CF_FILES_E_', `$1')')
define(`GENERICS_DOMAIN', `_CF_APPEND(`_CF_CLASS_G_', `$1')')
define(`GENERICS_DOMAIN_FILE', `_CF_APPEND(`_CF_FILES_G_', `$1')')
define(`LOCAL_USER', `_CF_APPEND(`_CF_CLASS_L_', `$1')')
define(`LOCAL_USER_FILE', `_CF_APPEND(`_CF_FILES_L_', `$1')')
define(`LOCAL_DOMAIN', `_CF_APPEND(`_CF_CLASS_w_', `$1')')
define(`RELAY_DOMAIN', `_CF_APPEND(`_CF_CLASS_R_', `$1')')
define(`RELAY_DOMAIN_FILE', `_CF_APPEND(`_CF_FILES_R_', `$1')')
define(`VIRTUSER_DOMAIN', `_CF_APPEND(`_CF_CLASS_VirtHost_', `$1')')
define(`VIRTUSER_DOMAIN_FILE', `_CF_APPEND(`_CF_FILES_VirtHost_', `$1')')
define(`CANONIFY_DOMAIN', `_CF_APPEND(`_CF_CLASS_Canonify_', `$1')')
define(`CANONIFY_DOMAIN_FILE', `_CF_APPEND(`_CF_FILES_Canonify_', `$1')')
define(`LDAPROUTE_DOMAIN', `_CF_APPEND(`_CF_CLASS_LDAPRoute_', `$1')')
define(`LDAPROUTE_DOMAIN_FILE', `_CF_APPEND(`_CF_FILES_LDAPRoute_', `$1')')
define(`LDAPROUTE_EQUIVALENT', `_CF_APPEND(`_CF_CLASS_LDAPRouteEquiv_', `$1')')
define(`LDAPROUTE_EQUIVALENT_FILE', `_CF_APPEND(`_CF_FILES_LDAPRouteEquiv_', `$1')')
define(`TRUST_AUTH_MECH', `_CF_APPEND(`_CF_CLASS_TrustAuthMech_', `$1')')
define(`DAEMON_OPTIONS', `_CF_APPEND_LINE(`_CF_DAEMONS_', `O DaemonPortOptions=$1')')
define(`CLIENT_OPTIONS', `_CF_APPEND_LINE(`_CF_CLIENTS_', `O ClientPortOptions=$1')')
define(`_CF_APPEND_LINE', `define(`$1', ifdef(`$1', `defn(`$1')`
'')`$2')')

# Milters: INPUT_MAIL_FILTER also lists the filter in InputMailFilters.
define(`MAIL_FILTER', `_CF_APPEND_LINE(`_CF_XFILTERS_', `X$1, $2')')
define(`INPUT_MAIL_FILTER',
	`MAIL_FILTER(`$1', `$2')define(`confINPUT_MAIL_FILTERS',
		ifdef(`confINPUT_MAIL_FILTERS', `defn(`confINPUT_MAIL_FILTERS')`,'')`$1')')

# Documented milter macro defaults, so a .mc can append to them.
define(`confMILTER_MACROS_CONNECT', ``j, _, {daemon_name}, {if_name}, {if_addr}'')
define(`confMILTER_MACROS_HELO', ``{tls_version}, {cipher}, {cipher_bits}, {cert_subject}, {cert_issuer}'')
define(`confMILTER_MACROS_ENVFROM', ``i, {auth_type}, {auth_authen}, {auth_ssf}, {auth_author}, {mail_mailer}, {mail_host}, {mail_addr}'')
define(`confMILTER_MACROS_ENVRCPT', ``{rcpt_mailer}, {rcpt_host}, {rcpt_addr}'')
define(`confMILTER_MACROS_EOM', ``{msg_id}'')

# UUCP helpers (classic configurations).
# SITECONFIG(file, name, class): $class is set to name (for class U, the
# local UUCP name, also entered into class w as name and name.UUCP), then
# the site file file.m4 is read, whose SITE(...) lines add the connected
# hosts to class `class'.  The file is looked for in the siteconfig
# folder of this library, then siteconfig/ under the current directory
# (or m4's include path), then in the siteconfig folders of the system's
# sendmail-cf tree, where existing sites keep theirs; the first folder
# whose file names a site wins.  As with the real build, a site file
# found nowhere adds nothing and is no error (cf.README calls the
# mechanism obsolete and points to mailertables instead).
define(`_CF_SITECONFIG_DIRS_', ``siteconfig/', `/usr/share/sendmail/cf/siteconfig/', `/usr/share/sendmail-cf/siteconfig/', `/usr/lib/sendmail-cf/siteconfig/'')
define(`SITECONFIG',
	`ifelse(`$3', `U', `DU$2
C{w}$2 $2.UUCP
', `D$3$2
')define(`_CF_SITE_$3_', `1')pushdef(`_CF_SITE_CLASS_', `$3')define(`_CF_SITE_READ_', `0')dnl
_CF_SITE_FIND(`$1', _CF_DIR_`siteconfig/', _CF_SITECONFIG_DIRS_)popdef(`_CF_SITE_CLASS_')')
# _CF_SITE_FIND(file, dir...): read dir/file.m4 from the first dir where
# it gives SITE lines.
define(`_CF_SITE_FIND',
	`ifelse(`$2', `', `', `sinclude(`$2$1.m4')ifelse(_CF_SITE_READ_, `1', `',
		`_CF_SITE_FIND(`$1', shift(shift($@)))')')')
# SITE(name...): each argument (one or more host names) becomes a line of
# the class SITECONFIG reads the file for.
define(`SITE', `define(`_CF_SITE_READ_', `1')_CF_SITE_LINES($@)')
define(`_CF_SITE_LINES', `ifelse(`$1', `', `', `C`'_CF_SITE_CLASS_`'$1
_CF_SITE_LINES(shift($@))')')
define(`_CF_SITE_CLASS_', `U')
define(`UUCPSMTP', `R DOL(*) < @ $1 .UUCP > DOL(*)	DOL(1) < @ $2 > DOL(2)
')
define(`DOL', ``$'$1')

# Literal mailer:host relays name mailers too (class P gets pseudo domains).
define(`_CF_LOADED_', `0')
