// The gRPC listener with --web.config.file (server/grpc/grpc_credentials.h):
// TLS with a required, verified client certificate and basic-auth metadata.
// Admin answers UNIMPLEMENTED without storage, which proves a call got
// through TLS and auth to the service; a refused handshake is UNAVAILABLE,
// a refused password UNAUTHENTICATED.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "proto/cairn.grpc.pb.h"
#include "server/grpc/grpc_credentials.h"
#include "server/grpc/grpc_server.h"
#include "storage/memory_storage.h"
#include "webconfig/basic_auth.h"
#include "webconfig/web_config_source.h"

namespace cairn::server::grpc {
namespace {

class GrpcTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // getaddrinfo rather than c-ares, whose channel LeakSanitizer reports.
    ::setenv("GRPC_DNS_RESOLVER", "native", 1);
    char tmpl[] = "/tmp/cairn_grpc_tls_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    const std::string ec = "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
    const std::string cd = "cd " + dir_ + " && ";
    ASSERT_EQ(Run(cd + ec + "-x509 -days 1 -subj /CN=ca -keyout ca.key -out ca.crt"), 0);
    for (const std::string name : {"server", "client"}) {
      ASSERT_EQ(Run(cd + ec + "-subj /CN=" + name + " -keyout " + name + ".key -out " + name + ".csr"), 0);
      ASSERT_EQ(Run(cd + "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > " + name + ".ext && " +
                    "openssl x509 -req -in " + name + ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 " +
                    "-extfile " + name + ".ext -out " + name + ".crt"),
                0);
    }
    ASSERT_EQ(Run(cd + ec + "-x509 -days 1 -subj /CN=rogue -keyout rogue.key -out rogue.crt"), 0);
  }
  void TearDown() override {
    if (server_) server_->Stop();
    std::filesystem::remove_all(dir_);
  }
  static int Run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void WriteWebConfig(const std::string& text) { std::ofstream(dir_ + "/web.yml") << text; }

  Status StartServer() {
    auto source = webconfig::WebConfigSource::Open(dir_ + "/web.yml");
    CAIRN_RETURN_IF_ERROR(source.status());
    source_ = std::move(*source);
    auto credentials = GrpcCredentials(source_.get());
    CAIRN_RETURN_IF_ERROR(credentials.status());
    GrpcDeps deps;
    deps.appendable = &storage_;
    deps.clock = &SystemClock::Default();
    deps.credentials = std::move(*credentials);
    server_ = std::make_unique<GrpcServer>(std::move(deps));
    return server_->Start("127.0.0.1:0");
  }

  // Calls Admin.Stats; `cert` empty = no client certificate.
  ::grpc::StatusCode Call(const std::string& cert, const std::string& authorization) {
    ::grpc::SslCredentialsOptions o;
    o.pem_root_certs = Read("ca.crt");
    if (!cert.empty()) {
      o.pem_cert_chain = Read(cert + ".crt");
      o.pem_private_key = Read(cert + ".key");
    }
    auto channel = ::grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()), ::grpc::SslCredentials(o));
    auto stub = cairn::rpc::Admin::NewStub(channel);
    ::grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
    cairn::rpc::StatsRequest req;
    cairn::rpc::StatsResponse resp;
    return stub->Stats(&ctx, req, &resp).error_code();
  }

  std::string dir_;
  storage::MemoryStorage storage_;
  std::unique_ptr<webconfig::WebConfigSource> source_;
  std::unique_ptr<GrpcServer> server_;
};

TEST_F(GrpcTlsTest, ClientCertificateAndBasicAuth) {
  auto hash = webconfig::BcryptHash("secret", 4);
  ASSERT_TRUE(hash.ok());
  WriteWebConfig("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n"
                 "  client_auth_type: RequireAndVerifyClientCert\nbasic_auth_users:\n  alice: " + *hash + "\n");
  ASSERT_TRUE(StartServer().ok());
  const std::string good = "Basic YWxpY2U6c2VjcmV0";    // alice:secret
  const std::string wrong = "Basic YWxpY2U6d3Jvbmc=";   // alice:wrong
  EXPECT_EQ(Call("client", good), ::grpc::StatusCode::UNIMPLEMENTED);  // through to the service
  EXPECT_EQ(Call("client", wrong), ::grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call("client", ""), ::grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call("", good), ::grpc::StatusCode::UNAVAILABLE);       // no client certificate
  EXPECT_EQ(Call("rogue", good), ::grpc::StatusCode::UNAVAILABLE);  // not signed by the CA

  auto insecure = cairn::rpc::Admin::NewStub(::grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server_->port()), ::grpc::InsecureChannelCredentials()));
  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  cairn::rpc::StatsResponse resp;
  EXPECT_EQ(insecure->Stats(&ctx, cairn::rpc::StatsRequest(), &resp).error_code(), ::grpc::StatusCode::UNAVAILABLE);
}

TEST_F(GrpcTlsTest, UsersWithoutTlsAreRefused) {
  auto hash = webconfig::BcryptHash("secret", 4);
  ASSERT_TRUE(hash.ok());
  WriteWebConfig("basic_auth_users:\n  alice: " + *hash + "\n");
  Status st = StartServer();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("need tls_server_config"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace cairn::server::grpc
