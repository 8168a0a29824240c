// The gRPC listener's credentials from --web.config.file (there is no
// Prometheus precedent for gRPC, so the HTTP listener's file serves both):
//  - tls_server_config: TLS with the same certificate and key; client_ca and
//    client_auth_type map one to one onto gRPC's client-certificate modes;
//  - basic_auth_users: every call must carry `authorization: Basic ...`
//    metadata, checked by the same BasicAuthChecker (bcrypt, cache) as HTTP.
//    Without TLS this is refused: gRPC's insecure credentials cannot check
//    metadata, and a gRPC port open to anyone beside a guarded HTTP port
//    would undo the guard.
// Limits: gRPC's own TLS stack chooses versions and ciphers (min_version,
// max_version, cipher_suites, curve_preferences are not applied), and the
// certificate is read once at start (users are re-read on change).
#pragma once

#include <memory>

#include "util/status.h"

namespace grpc {
class ServerCredentials;
}
namespace cairn::webconfig {
class WebConfigSource;
}

namespace cairn::server::grpc {

// Insecure credentials when `source` is null. `source` must outlive the server.
Result<std::shared_ptr<::grpc::ServerCredentials>> GrpcCredentials(webconfig::WebConfigSource* source);

}  // namespace cairn::server::grpc
