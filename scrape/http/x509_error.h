// X509ErrorText: why OpenSSL refused a server's certificate, in the words of
// Go's crypto/x509 errors, which Prometheus shows as a target's lastError
// (after "tls: failed to verify certificate: " since Go 1.20). Dashboards and
// runbooks grep for these texts, so the common failures are spelled as Go
// spells them; rarer ones keep OpenSSL's description after "x509: ".
// Thread-safety: a pure function.
#pragma once

#include <openssl/x509.h>

#include <string>

namespace cairn::scrape::http {

// `verify_result` is SSL_get_verify_result (not X509_V_OK); `server_cert`
// (may be null) is the certificate the server presented, whose names a name
// mismatch lists; `wanted_name` is the name that was checked (server_name, or
// the URL's host).
std::string X509ErrorText(long verify_result, X509* server_cert, const std::string& wanted_name);

}  // namespace cairn::scrape::http
