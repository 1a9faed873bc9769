divert(-1)
# FEATURE(sts [, map spec]): MTA-STS (RFC 8461) for outgoing mail: sets
# StrictTransportSecurity and SetCertAltnames, declares the sts map (by
# default a socket map to postfix-mta-sts-resolver on 127.0.0.1:5461) and
# the regex maps that read its answers; the rules are in m4/checks-sts.m4.
define(`_CF_LOADED_', `1')
define(`_F_sts', ifelse(_ARG_, `', `socket -d5 -T<TMPF> inet:5461@127.0.0.1', `_ARG_'))
