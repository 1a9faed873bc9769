divert(-1)
# FEATURE(check_cert_altnames): sets SetCertAltnames, and a CN requirement
# of TLS_req also accepts the wanted name (or its parent as *.parent) among
# the certificate's subject alternative names, class {cert_altnames}.
define(`_CF_LOADED_', `1')
define(`_F_check_cert_altnames', `1')
