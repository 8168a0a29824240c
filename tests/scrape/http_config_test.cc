// ParseHttpClientConfig: upstream's defaults, folding and validation messages
// (prometheus/common config/http_config.go).
#include "scrape/http/http_config.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace cairn::scrape::http {
namespace {

Result<HttpClientConfig> Parse(const std::string& yaml, std::string_view base_dir = "") {
  HttpClientConfig cfg;
  Status st = ParseHttpClientConfig(YAML::Load(yaml), base_dir, &cfg);
  if (!st.ok()) return st;
  return cfg;
}

std::string Error(const std::string& yaml) {
  auto r = Parse(yaml);
  return r.ok() ? "OK" : r.status().message();
}

TEST(HttpConfigTest, Defaults) {
  auto cfg = Parse("job_name: x\nscrape_interval: 15s\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_TRUE(cfg->follow_redirects);
  EXPECT_TRUE(cfg->enable_http2);
  EXPECT_FALSE(cfg->basic_auth);
  EXPECT_FALSE(cfg->authorization);
  EXPECT_FALSE(cfg->tls_config.insecure_skip_verify);
  EXPECT_EQ(cfg->tls_config.min_version, TlsVersion::kUnset);
}

TEST(HttpConfigTest, FullSubset) {
  auto cfg = Parse(R"(
basic_auth: {username: u, password_file: secrets/pw}
tls_config:
  ca_file: ca.pem
  cert_file: /abs/client.pem
  key_file: client.key
  server_name: target.example
  insecure_skip_verify: true
  min_version: TLS13
follow_redirects: false
enable_http2: false
)", "/etc/cairn");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_TRUE(cfg->basic_auth);
  EXPECT_EQ(cfg->basic_auth->username, "u");
  EXPECT_EQ(cfg->basic_auth->password_file, "/etc/cairn/secrets/pw");
  EXPECT_EQ(cfg->tls_config.ca_file, "/etc/cairn/ca.pem");
  EXPECT_EQ(cfg->tls_config.cert_file, "/abs/client.pem");
  EXPECT_EQ(cfg->tls_config.key_file, "/etc/cairn/client.key");
  EXPECT_EQ(cfg->tls_config.server_name, "target.example");
  EXPECT_TRUE(cfg->tls_config.insecure_skip_verify);
  EXPECT_EQ(cfg->tls_config.min_version, TlsVersion::kTls13);
  EXPECT_FALSE(cfg->follow_redirects);
  EXPECT_FALSE(cfg->enable_http2);
}

TEST(HttpConfigTest, AuthorizationTypeDefaultsToBearer) {
  auto cfg = Parse("authorization: {credentials: abc}");
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->authorization->type, "Bearer");
  cfg = Parse("authorization: {type: '  Token ', credentials_file: tok}", "/d");
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->authorization->type, "Token");
  EXPECT_EQ(cfg->authorization->credentials_file, "/d/tok");
}

TEST(HttpConfigTest, LegacyBearerTokenBecomesAuthorization) {
  auto cfg = Parse("bearer_token: abc");
  ASSERT_TRUE(cfg.ok());
  ASSERT_TRUE(cfg->authorization);
  EXPECT_EQ(cfg->authorization->type, "Bearer");
  EXPECT_EQ(cfg->authorization->credentials, "abc");
  cfg = Parse("bearer_token_file: /run/token");
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->authorization->credentials_file, "/run/token");
}

TEST(HttpConfigTest, UpstreamValidationMessages) {
  EXPECT_EQ(Error("bearer_token: a\nbearer_token_file: b"),
            "at most one of bearer_token & bearer_token_file must be configured");
  EXPECT_EQ(Error("basic_auth: {username: u}\nbearer_token: a"),
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  EXPECT_EQ(Error("oauth2: {client_id: x}\nbearer_token_file: a"),
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  EXPECT_EQ(Error("basic_auth: {username: u, username_file: f}"),
            "at most one of basic_auth username, username_file & username_ref must be configured");
  EXPECT_EQ(Error("basic_auth: {password: p, password_file: f}"),
            "at most one of basic_auth password, password_file & password_ref must be configured");
  EXPECT_EQ(Error("authorization: {credentials: a}\nbearer_token: b"),
            "authorization is not compatible with bearer_token & bearer_token_file");
  EXPECT_EQ(Error("authorization: {credentials: a, credentials_file: b}"),
            "at most one of authorization credentials & credentials_file must be configured");
  EXPECT_EQ(Error("authorization: {type: Basic, credentials: a}"),
            R"(authorization type cannot be set to "basic", use "basic_auth" instead)");
  EXPECT_EQ(Error("authorization: {credentials: a}\nbasic_auth: {username: u}"),
            "at most one of basic_auth, oauth2 & authorization must be configured");
  EXPECT_EQ(Error("oauth2: {client_id: x}\nbasic_auth: {username: u}"),
            "at most one of basic_auth, oauth2 & authorization must be configured");
}

TEST(HttpConfigTest, TlsValidationMessages) {
  EXPECT_EQ(Error("tls_config: {ca: x, ca_file: y}"), "at most one of ca, ca_file & ca_ref must be configured");
  EXPECT_EQ(Error("tls_config: {cert: x, cert_file: y, key: k}"),
            "at most one of cert, cert_file & cert_ref must be configured");
  EXPECT_EQ(Error("tls_config: {cert: x, key: k, key_file: y}"), "at most one of key and key_file must be configured");
  EXPECT_EQ(Error("tls_config: {cert_file: c}"),
            "exactly one of key or key_file must be configured when a client certificate is configured");
  EXPECT_EQ(Error("tls_config: {key_file: k}"),
            "exactly one of cert or cert_file must be configured when a client key is configured");
  EXPECT_EQ(Error("tls_config: {min_version: TLS14}"), "unknown TLS version: TLS14");
}

TEST(HttpConfigTest, ProxyRulesThenUnsupported) {
  EXPECT_EQ(Error("no_proxy: example.com"), "if no_proxy is configured, proxy_url must also be configured");
  EXPECT_EQ(Error("proxy_from_environment: true\nproxy_url: http://p:3128"),
            "if proxy_from_environment is configured, proxy_url must not be configured");
  EXPECT_EQ(Error("proxy_connect_header: {X: [y]}"),
            "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured");
  auto r = Parse("proxy_url: http://proxy:3128");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(r.status().message(), "proxy_url is not supported: Cairn connects to targets directly");
}

TEST(HttpConfigTest, UnimplementedOptionsAreRejected) {
  auto oauth = Parse("oauth2: {client_id: x, token_url: http://t}");
  EXPECT_EQ(oauth.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(Parse("http_headers: {X-A: {values: [b]}}").status().code(), StatusCode::kUnsupported);
  auto ref = Parse("authorization: {credentials_ref: vault}");
  EXPECT_EQ(ref.status().code(), StatusCode::kUnsupported);
}

TEST(HttpConfigTest, UnknownNestedKeyAndBadTypes) {
  EXPECT_EQ(Error("basic_auth:\n  username: u\n  pasword: p"),
            "line 3: field pasword not found in type config.BasicAuth");
  EXPECT_EQ(Error("tls_config: {insecure_skip_verify: maybe}"),
            "line 1: cannot unmarshal !!str `maybe` into bool");
  EXPECT_EQ(Error("follow_redirects: [1]"), "line 1: cannot unmarshal !!seq into bool");
}

TEST(HttpConfigTest, KeysOfTheInlinedConfig) {
  EXPECT_TRUE(IsHttpClientConfigKey("basic_auth"));
  EXPECT_TRUE(IsHttpClientConfigKey("proxy_url"));
  EXPECT_TRUE(IsHttpClientConfigKey("enable_http2"));
  EXPECT_FALSE(IsHttpClientConfigKey("job_name"));
  EXPECT_FALSE(IsHttpClientConfigKey("scrape_interval"));
}

}  // namespace
}  // namespace cairn::scrape::http
