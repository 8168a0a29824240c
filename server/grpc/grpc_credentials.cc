#include "server/grpc/grpc_credentials.h"

#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/security/server_credentials.h>

#include "webconfig/tls_context.h"
#include "webconfig/web_config_source.h"

namespace cairn::server::grpc {
namespace {

using webconfig::ClientAuth;

grpc_ssl_client_certificate_request_type ClientCertificateRequest(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::kNoClientCert:
      return GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
    case ClientAuth::kRequestClientCert:
      return GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY;
    case ClientAuth::kRequireAnyClientCert:
      return GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_BUT_DONT_VERIFY;
    case ClientAuth::kVerifyClientCertIfGiven:
      return GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
    case ClientAuth::kRequireAndVerifyClientCert:
      return GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
}

// Basic auth on every call, against the users of the web config as it is now.
class BasicAuthProcessor final : public ::grpc::AuthMetadataProcessor {
 public:
  explicit BasicAuthProcessor(webconfig::WebConfigSource* source) : source_(source) {}
  ::grpc::Status Process(const InputMetadata& metadata, ::grpc::AuthContext*, OutputMetadata*,
                         OutputMetadata*) override {
    auto current = source_->Current();
    if (!current.ok()) return ::grpc::Status(::grpc::StatusCode::INTERNAL, "web config: " + current.status().message());
    const auto& users = (*current)->config.users;
    if (users.empty()) return ::grpc::Status::OK;
    std::string authorization;
    auto it = metadata.find("authorization");
    if (it != metadata.end()) authorization.assign(it->second.data(), it->second.size());
    if (source_->auth().Check(users, authorization)) return ::grpc::Status::OK;
    return ::grpc::Status(::grpc::StatusCode::UNAUTHENTICATED, "Unauthorized");
  }

 private:
  webconfig::WebConfigSource* source_;
};

}  // namespace

Result<std::shared_ptr<::grpc::ServerCredentials>> GrpcCredentials(webconfig::WebConfigSource* source) {
  if (source == nullptr) return ::grpc::InsecureServerCredentials();
  std::shared_ptr<const webconfig::LoadedWebConfig> current;
  CAIRN_ASSIGN_OR_RETURN(current, source->Current());
  const webconfig::WebConfig& config = current->config;
  if (!config.tls.enabled()) {
    if (!config.users.empty()) {
      return Status::InvalidArgument(
          "gRPC: basic_auth_users in --web.config.file need tls_server_config as well for --grpc.listen-address");
    }
    return ::grpc::InsecureServerCredentials();
  }
  webconfig::TlsPem pem;
  CAIRN_ASSIGN_OR_RETURN(pem, webconfig::ReadTlsPem(config.tls));
  ::grpc::SslServerCredentialsOptions options(ClientCertificateRequest(config.tls.client_auth));
  options.pem_root_certs = pem.client_ca;
  options.pem_key_cert_pairs.push_back({pem.key, pem.cert_chain});
  std::shared_ptr<::grpc::ServerCredentials> credentials = ::grpc::SslServerCredentials(options);
  credentials->SetAuthMetadataProcessor(std::make_shared<BasicAuthProcessor>(source));
  return credentials;
}

}  // namespace cairn::server::grpc
