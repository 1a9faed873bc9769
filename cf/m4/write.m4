divert(-1)
#
# write.m4 -- writes the sendmail.cf when the .mc input has ended.
# Order: version, local classes/macros/maps, LOCAL_CONFIG, options,
# precedences, trusted users, headers, rule sets (with the LOCAL_RULE_n
# texts), LOCAL_RULESETS, mailers.  m4 comments are switched off while
# writing, so rule text may contain '#'.
#

# _CF_CLASS(name, members, files): C and F lines of one class.
define(`_CF_CLASS',
	`ifelse(`$2', `', `', `C`'_CF_CNAME(`$1')$2
')_CF_FLINES(`$1', `$3')')
define(`_CF_CNAME', `ifelse(len(`$1'), `1', `$1', `{$1}')')
define(`_CF_FLINES',
	`ifelse(`$2', `', `',
		`_CF_FLINE(`$1', patsubst(`$2', ` +', `,'))')')
define(`_CF_FLINE',
	`ifelse(`$2', `', `', `F`'_CF_CNAME(`$1')$2
')ifelse(eval(`$# > 2'), `1', `_CF_FLINE(`$1', shift(shift($@)))')')
define(`_CF_CLASSDEF',
	`_CF_CLASS(`$1', ifdef(`_CF_CLASS_$1_', `defn(`_CF_CLASS_$1_')'),
		ifdef(`_CF_FILES_$1_', `defn(`_CF_FILES_$1_')'))')

# Map declaration helper: K line with a default spec.
define(`_CF_KMAP', `K$1 ifelse(`$2', `', `$3', `$2')
')

# True (1) when a feature flag is set.
define(`_CF_IF', `ifdef(`_F_$1', `$2', `$3')')

define(`_CF_DEFAULT_OPT', `ifdef(`$1', `', `define(`$1', `$2')')')

define(`_CF_WRITE',
`divert(-1)_CF_FINISH_SETUP`'changecom()divert(0)dnl
`#'###### sendmail.cf written by the project cf library
ifdef(`_CF_VERSIONIDS_', `defn(`_CF_VERSIONIDS_')
')dnl
V10/Berkeley
ifdef(`confDONT_BLAME_SENDMAIL', `O DontBlameSendmail=confDONT_BLAME_SENDMAIL
')dnl
_CF_LOCAL_INFO`'undivert(1)dnl
DZ`'_CF_VERSION
_CF_OPTIONS`'dnl
Pfirst-class=0
Pspecial-delivery=100
Plist=-30
Pbulk=-60
Pjunk=-100
Troot
Tdaemon
_CF_IF(`nouucp', `', `Tuucp
')dnl
ifdef(`confTRUSTED_USERS', `Ct`'confTRUSTED_USERS
')dnl
_CF_HEADERS`'dnl
include(_CF_DIR_`m4/rules.m4')dnl
include(_CF_DIR_`m4/checks.m4')dnl
undivert(6)dnl
undivert(7)dnl
')

define(`_CF_VERSION', `ifdef(`confCF_VERSION', `8.17.1.9/confCF_VERSION', `8.17.1.9')')

# Settings derived from several features, done once before writing.
define(`_CF_FINISH_SETUP',
	`ifdef(`_F_ldap_default_maps', `ifdef(`confLDAP_DEFAULT_SPEC', `',
	`errprint(`WARNING: FEATURE(ldap_routing) uses its default LDAP map definitions, but confLDAP_DEFAULT_SPEC (server, base DN) is not set
')')')dnl
ifdef(`_CF_MAILER_local_', `', `_CF_MAILER_LOAD(`local')')dnl
ifdef(`_F_nullclient', `define(`_F_allmasquerade', `1')define(`_F_masquerade_envelope', `1')')dnl
dnl The macro map: access-map rules, luser hosts, prefixmod, sts.
ifdef(`_F_access_db', `define(`_CF_MACRO_MAP_', `1')')dnl
ifdef(`_F_preserve_luser_host', `define(`_CF_MACRO_MAP_', `1')')dnl
ifdef(`_F_prefixmod', `define(`_CF_MACRO_MAP_', `1')')dnl
ifdef(`_F_sts', `define(`_CF_MACRO_MAP_', `1')')dnl
ifdef(`_H_spamtrap', `define(`_CF_MACRO_MAP_', `1')')dnl
dnl The full TLS_connection/TLS_req rule sets: with the access map or sts.
ifdef(`_F_access_db', `define(`_CF_TLS_RULES_', `1')')dnl
ifdef(`_F_sts', `define(`_CF_TLS_RULES_', `1')')dnl
ifdef(`_F_block_bad_helo', `_CF_APPEND(`_CF_CLASS_R_', `127.0.0.1')_CF_APPEND(`_CF_CLASS_R_', `IPv6:0:0:0:0:0:0:0:1 IPv6:::1')_CF_APPEND(`_CF_CLASS_w_', `[127.0.0.1] [IPv6:0:0:0:0:0:0:0:1] [IPv6:::1]')')dnl
')

define(`_CF_LOCAL_INFO',
`Cwlocalhost
ifdef(`_F_use_cw_file', `Fw`'ifdef(`confCW_FILE', `confCW_FILE', `MAIL_SETTINGS_DIR`'local-host-names')
')dnl
ifdef(`_CF_CLASS_w_', `C{w}_CF_CLASS_w_
')dnl
ifdef(`_F_use_ct_file', `Ft`'ifdef(`confCT_FILE', `confCT_FILE', `MAIL_SETTINGS_DIR`'trusted-users')
')dnl
ifdef(`confDOMAIN_NAME', `Dj`'confDOMAIN_NAME
')dnl
ifdef(`confLDAP_CLUSTER', `D{sendmailMTACluster}`'confLDAP_CLUSTER
')dnl
CP.
ifdef(`UUCP_RELAY', `DY`'UUCP_RELAY
CPUUCP
')dnl
ifdef(`BITNET_RELAY', `DB`'BITNET_RELAY
CPBITNET
')dnl
ifdef(`DECNET_RELAY', `DC`'DECNET_RELAY
CPDECNET
')dnl
ifdef(`FAX_RELAY', `DF`'FAX_RELAY
CPFAX
')dnl
DS`'ifdef(`_F_nullclient', `_F_nullclient', `ifdef(`SMART_HOST', `SMART_HOST')')
CO @ _CF_IF(`nopercenthack', `', `%') _CF_IF(`nouucp', `', `!')
C..
C[[
ifdef(`_F_access_db', `C{Accept}OK RELAY
ifdef(`_F_delay_checks_friend', `ifdef(`_F_blacklist_recipients', `C{SpamTag}SPAMFRIEND SPAMHATER
')')')dnl
ifdef(`_F_accept_unresolvable_domains', `', `Kresolve host -a<OKR> -T<TEMP>
')dnl
C{ResOk}OKR
FR`'ifdef(`confCR_FILE', `confCR_FILE', `-o MAIL_SETTINGS_DIR`'relay-domains')
_CF_CLASSDEF(`R')dnl
Karith arith
ifdef(`_CF_MACRO_MAP_', `Kmacro macro
')dnl
ifdef(`_CF_TLS_RULES_', `C{Tls}VERIFY ENCR
C{TlsVerified}OK TRUSTED
')dnl
Kdequote dequote`'ifdef(`confDEQUOTE_OPTS', ` confDEQUOTE_OPTS')
_CF_CLASSDEF(`E')dnl
_CF_CLASSDEF(`L')dnl
_CF_CLASSDEF(`M')dnl
_CF_CLASSDEF(`N')dnl
_CF_CLASSDEF(`G')dnl
_CF_CLASSDEF(`VirtHost')dnl
ifdef(`_F_virtuser_entire_domain', `ifdef(`_CF_CLASS_VirtHost_', `CR$={VirtHost}
', `ifdef(`_CF_FILES_VirtHost_', `CR$={VirtHost}
')')')dnl
_CF_CLASSDEF(`Canonify')dnl
_CF_CLASSDEF(`TrustAuthMech')dnl
_CF_CLASSDEF(`LDAPRoute')dnl
_CF_CLASSDEF(`LDAPRouteEquiv')dnl
ifdef(`_F_nullclient', `DH`'_F_nullclient
', `ifdef(`MAIL_HUB', `DH`'MAIL_HUB
')')dnl
ifdef(`LOCAL_RELAY', `DR`'LOCAL_RELAY
')dnl
ifdef(`_CF_MASQ_AS_', `DM`'_CF_MASQ_AS_
', `ifdef(`_F_nullclient', `DM`'_F_nullclient
')')dnl
ifdef(`LUSER_RELAY', `Kuser user -m -a<>
DL`'LUSER_RELAY
')dnl
Dn`'ifdef(`confMAILER_NAME', `confMAILER_NAME', ``MAILER-DAEMON'')
ifdef(`_F_redirect', `CPREDIRECT
')dnl
ifdef(`_F_access_db', `Kaccess _F_access_db
')dnl
ifdef(`_F_bitdomain', `Kbitdomain _F_bitdomain
')dnl
ifdef(`_F_uucpdomain', `Kuudomain _F_uucpdomain
')dnl
ifdef(`_F_rhsbl_map', `Kdnsbl host -T<TMP>
')dnl
ifdef(`_F_dnsbl_any', `Kdnsbl ifdef(`DNSBL_MAP', `DNSBL_MAP', `dns -R A') ifdef(`DNSBL_MAP_OPT', `DNSBL_MAP_OPT', `-T<TMP>')
')dnl
ifdef(`_F_enhdnsbl_any', `Kednsbl ifdef(`EDNSBL_MAP', `EDNSBL_MAP', `dns -R A') -a. -T<TMP> -r5
')dnl
ifdef(`_F_relay_based_on_MX', `Kmxserved bestmx -z: -T<TEMP>
')dnl
ifdef(`_F_bestmx_is_local', `Kbestmx bestmx
_CF_CLASSDEF(`B')')dnl
ifdef(`_F_badmx', `Kmxlist bestmx -z: -T<TEMP>
Kbadmx regex -a<BADMX> ^(([0-9]{1,3}\.){3}[0-9]){0,1}\.$
KdnsA dns -R A -a. -T<TEMP>
KBadMXIP regex -a<BADMXIP> ^(127\.|10\.|0\.0\.0\.0)
')dnl
ifdef(`_F_virtusertable', `Kvirtuser _F_virtusertable
')dnl
ifdef(`_F_mailertable', `Kmailertable _F_mailertable
')dnl
ifdef(`_F_domaintable', `Kdomaintable _F_domaintable
')dnl
ifdef(`_F_genericstable', `Kgenerics _F_genericstable
')dnl
ifdef(`_F_authinfo', `Kauthinfo _F_authinfo
')dnl
ifdef(`_F_ldap_routing', `C{SMTPOpModes} s d D
Kldapmh defn(`_F_ldap_mh')
Kldapmra defn(`_F_ldap_mra')
')dnl
ifdef(`_F_msp', `D{MTAHost}_F_msp
')dnl
ifdef(`_F_sts', `Kstsxsni regex -a: -s3 (.*)(servername=)(.*)
Kstsxsni2 regex -a: -s2 (.*)(servername=.*)
Kstsxmatch regex -a: -s2 (match=)(.*)
Kstsxnodaneflag regex -a@ -s3 (.*)(flags=)([^;]*d)(.*)
O StrictTransportSecurity=true
Ksts _F_sts
')dnl
ifdef(`_F_sts', `O SetCertAltnames=true
', `ifdef(`_F_check_cert_altnames', `O SetCertAltnames=true
')')dnl
ifdef(`_F_bcc', `Kbcctable _F_bcc
O AddBcc=true
')dnl
ifdef(`_F_drac', `Kdrac _F_drac
')dnl
undivert(11)dnl
ifdef(`_CF_EXTRA_LOCAL_INFO_', `_CF_EXTRA_LOCAL_INFO_
')dnl
')

dnl A null client's From: has the address alone, no full name.
define(`_CF_FROM_HEADER', `ifdef(`confFROM_HEADER', `confFROM_HEADER', `ifdef(`_F_nullclient', `<$g>', `$?x$x <$g>$|$g$.')')')
define(`_CF_HEADERS',
`H?P?Return-Path: <$g>
HReceived: ifdef(`confRECEIVED_HEADER', `confRECEIVED_HEADER', `$?sfrom $s $.$?_($?s$|from $.$_)
	$.$?{auth_type}(authenticated$?{auth_ssf} bits=${auth_ssf}$.)
	$.by $j ($v/$Z)$?r with $r$. id $i$?{tls_version}
	(version=${tls_version} cipher=${cipher} bits=${cipher_bits} verify=${verify})$.$?u
	for $u; $|;
	$.$b')
H?D?Resent-Date: $a
H?D?Date: $a
H?F?Resent-From: _CF_FROM_HEADER
H?F?From: _CF_FROM_HEADER
H?x?Full-Name: $x
H?M?Resent-Message-Id: ifdef(`confMESSAGEID_HEADER', `confMESSAGEID_HEADER', `<$t.$i@$j>')
H?M?Message-Id: ifdef(`confMESSAGEID_HEADER', `confMESSAGEID_HEADER', `<$t.$i@$j>')
')
