#include "webconfig/web_config.h"

#include <gtest/gtest.h>

namespace cairn::webconfig {
namespace {

// bcrypt("hello", cost 4).
constexpr const char* kHash = "$2y$04$4ETOWfpvq62J8wBB.s4x/.wmDKXoZ4oVdJIUhpKzrCl5kyISRBnBW";

TEST(WebConfigTest, EmptyFileIsPlainHttpWithoutUsers) {
  Result<WebConfig> c = ParseWebConfig("", "/etc");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->tls.enabled());
  EXPECT_TRUE(c->users.empty());
  EXPECT_EQ(c->tls.min_version, kTls12);
  EXPECT_EQ(c->tls.max_version, kTls13);
  EXPECT_TRUE(c->tls.prefer_server_cipher_suites);
  EXPECT_TRUE(c->http2);
}

TEST(WebConfigTest, FullConfig) {
  Result<WebConfig> c = ParseWebConfig(R"(
tls_server_config:
  cert_file: server.crt
  key_file: /abs/server.key
  client_ca_file: ca.crt
  client_auth_type: RequireAndVerifyClientCert
  min_version: TLS13
  max_version: TLS13
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
  curve_preferences: [X25519, CurveP256]
  prefer_server_cipher_suites: false
http_server_config:
  http2: false
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  alice: )" + std::string(kHash) + "\n",
                                       "/etc/cairn");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->tls.enabled());
  EXPECT_EQ(c->tls.cert_file, "/etc/cairn/server.crt");
  EXPECT_EQ(c->tls.key_file, "/abs/server.key");
  EXPECT_EQ(c->tls.client_ca_file, "/etc/cairn/ca.crt");
  EXPECT_EQ(c->tls.client_auth, ClientAuth::kRequireAndVerifyClientCert);
  EXPECT_EQ(c->tls.min_version, kTls13);
  EXPECT_EQ(c->tls.cipher_suites, std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
  EXPECT_EQ(c->tls.curve_preferences, (std::vector<std::string>{"X25519", "CurveP256"}));
  EXPECT_FALSE(c->tls.prefer_server_cipher_suites);
  EXPECT_FALSE(c->http2);
  EXPECT_EQ(c->headers.at("X-Frame-Options"), "deny");
  EXPECT_EQ(c->users.at("alice"), kHash);
}

TEST(WebConfigTest, UsersWithoutTls) {
  Result<WebConfig> c = ParseWebConfig(std::string("basic_auth_users:\n  bob: ") + kHash + "\n", ".");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->tls.enabled());
  EXPECT_EQ(c->users.size(), 1u);
}

void ExpectError(const std::string& yaml, const std::string& fragment) {
  Result<WebConfig> c = ParseWebConfig(yaml, ".");
  ASSERT_FALSE(c.ok()) << yaml;
  EXPECT_NE(c.status().message().find(fragment), std::string::npos) << c.status().message();
}

TEST(WebConfigTest, Errors) {
  ExpectError("tls_server_config:\n  cert_file: a\n  bogus: 1\n", "line 3: field bogus not found in tls_server_config");
  ExpectError("tls_config: {}\n", "field tls_config not found");
  ExpectError("tls_server_config:\n  key_file: k\n", "missing one of cert or cert_file");
  ExpectError("tls_server_config:\n  cert_file: c\n", "missing one of key or key_file");
  ExpectError("tls_server_config:\n  cert_file: c\n  key_file: k\n  client_ca_file: ca\n",
              "client CA's have been configured without a Client Auth Policy");
  ExpectError("tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: Sometimes\n",
              "invalid ClientAuth: Sometimes");
  ExpectError("tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS14\n", "unknown TLS version: TLS14");
  ExpectError("tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS13\n  max_version: TLS12\n",
              "min_version is above max_version");
  ExpectError("tls_server_config:\n  curve_preferences: [CurveP999]\n", "unknown curve: CurveP999");
  ExpectError("http_server_config:\n  headers:\n    X-Powered-By: cairn\n",
              "HTTP header \"X-Powered-By\" can not be configured");
  ExpectError("http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
              "invalid value for X-Frame-Options. Expected one of: [\"deny\" \"sameorigin\"], but got: \"allow\"");
  ExpectError("basic_auth_users:\n  alice: hello\n", "user \"alice\": crypto/bcrypt: hashedSecret too short");
  ExpectError("basic_auth_users:\n  alice: $1$abcdefgh$0123456789012345678901234567890123456789012345678901\n",
              "prefix must be $2a$, $2b$ or $2y$");
  ExpectError("basic_auth_users:\n  alice: \"$2y$03$4ETOWfpvq62J8wBB.s4x/.wmDKXoZ4oVdJIUhpKzrCl5kyISRBnBW\"\n",
              "cost 3 is outside allowed range");
  ExpectError("basic_auth_users: [alice]\n", "basic_auth_users must be a mapping");
  ExpectError("rate_limit:\n  burst: 10\n", "rate_limit is not supported by Cairn");
  ExpectError("tls_server_config:\n  client_allowed_sans: [a]\n", "client_allowed_sans is not supported");
  ExpectError("tls_server_config: [\n", "line");
  ExpectError("just a string\n", "must be a mapping");
}

TEST(WebConfigTest, BcryptCost) {
  EXPECT_EQ(BcryptCost(kHash).value_or(-1), 4);
  EXPECT_EQ(BcryptCost("$2b$12$4ETOWfpvq62J8wBB.s4x/.wmDKXoZ4oVdJIUhpKzrCl5kyISRBnBW").value_or(-1), 12);
  EXPECT_FALSE(BcryptCost("$2b$12$4ETOWfpvq62J8wBB.s4x/.wmDKXoZ4oVdJIUhpKzrCl5kyISRBnB!").ok());
}

}  // namespace
}  // namespace cairn::webconfig
