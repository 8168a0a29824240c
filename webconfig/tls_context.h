// An OpenSSL server context (Boost.Asio's ssl::context) built from the web
// config's tls_server_config: certificate chain and key (files or inline
// PEM), client CA and client_auth_type, protocol versions, cipher suites by
// their IANA names (as Go names them), curve preferences and server cipher
// preference. Reads the files it names; a certificate that does not match
// its key, an unknown cipher or a missing file is an error.
// Thread-safety: the built context is shared read-only by connections.
#pragma once

#include <memory>

#include "util/status.h"
#include "webconfig/web_config.h"

namespace boost::asio::ssl {
class context;
}

namespace cairn::webconfig {

Result<std::shared_ptr<boost::asio::ssl::context>> BuildTlsContext(const TlsServerConfig& tls);

// The PEM texts of a config (files read, or the inline text), for servers
// that take PEM rather than an OpenSSL context (gRPC).
struct TlsPem {
  std::string cert_chain, key, client_ca;
};
Result<TlsPem> ReadTlsPem(const TlsServerConfig& tls);

}  // namespace cairn::webconfig
