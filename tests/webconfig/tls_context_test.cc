#include "webconfig/tls_context.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "webconfig/web_config_source.h"

namespace cairn::webconfig {
namespace {

// A temp dir with a self-signed certificate made by the openssl CLI.
class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cairn_tls_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_EQ(Openssl("server"), 0);
    ASSERT_EQ(Openssl("other"), 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  int Openssl(const std::string& name) {
    std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=" +
                      name + " -keyout " + dir_ + "/" + name + ".key -out " + dir_ + "/" + name +
                      ".crt >/dev/null 2>&1";
    return std::system(cmd.c_str());
  }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ + "/" + name) << text; }
  TlsServerConfig Tls(const std::string& cert, const std::string& key) {
    TlsServerConfig t;
    t.cert_file = dir_ + "/" + cert;
    t.key_file = dir_ + "/" + key;
    return t;
  }
  std::string dir_;
};

TEST_F(TlsContextTest, BuildsFromFiles) {
  TlsServerConfig t = Tls("server.crt", "server.key");
  t.client_ca_file = dir_ + "/other.crt";
  t.client_auth = ClientAuth::kRequireAndVerifyClientCert;
  t.cipher_suites = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"};
  t.curve_preferences = {"X25519", "CurveP256"};
  auto ctx = BuildTlsContext(t);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_NE(*ctx, nullptr);
}

TEST_F(TlsContextTest, Errors) {
  auto mismatch = BuildTlsContext(Tls("server.crt", "other.key"));
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("failed to load X509KeyPair"), std::string::npos) << mismatch.status().message();
  auto missing = BuildTlsContext(Tls("nope.crt", "server.key"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("failed to read cert_file"), std::string::npos);
  TlsServerConfig bad_cipher = Tls("server.crt", "server.key");
  bad_cipher.cipher_suites = {"TLS_FANCY_CIPHER"};
  auto c = BuildTlsContext(bad_cipher);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unknown cipher: TLS_FANCY_CIPHER"), std::string::npos);
}

TEST_F(TlsContextTest, SourceReloadsOnChangeAndReportsBadFiles) {
  Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
  auto source = WebConfigSource::Open(dir_ + "/web.yml");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_TRUE((*source)->tls_enabled());
  auto first = (*source)->Current();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->get(), (*source)->Current()->get());  // unchanged: the same object

  // A new user appears without a restart.
  Write("web.yml",
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  alice: "
        "$2y$04$4ETOWfpvq62J8wBB.s4x/.wmDKXoZ4oVdJIUhpKzrCl5kyISRBnBW\n");
  auto second = (*source)->Current();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ((*second)->config.users.size(), 1u);

  // A broken file is an error until fixed.
  Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: other.key\n");
  auto broken = (*source)->Current();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("web.yml"), std::string::npos);
  EXPECT_FALSE((*source)->Current().ok());
  Write("web.yml", "tls_server_config:\n  cert_file: other.crt\n  key_file: other.key\n");
  EXPECT_TRUE((*source)->Current().ok());

  // A bad file is refused at start.
  Write("bad.yml", "tls_server_config:\n  cert_file: server.crt\n");
  auto bad = WebConfigSource::Open(dir_ + "/bad.yml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("missing one of key or key_file"), std::string::npos);
  EXPECT_NE(bad.status().message().find("bad.yml"), std::string::npos);
}

}  // namespace
}  // namespace cairn::webconfig
