// prometheus.yml's `remote_read` section: Prometheus 2.42's defaults, what
// each key sets, and its messages for what it refuses.
#include "server/config_remote_read.h"

#include <gtest/gtest.h>

#include "server/config.h"

namespace cairn::server {
namespace {

Result<std::vector<remote::RemoteReadConfig>> Parse(const std::string& yaml, std::string_view base_dir = "") {
  auto cfg = ParseConfig(yaml, base_dir);
  if (!cfg.ok()) return cfg.status();
  return cfg->remote_read;
}

std::string Error(const std::string& yaml) {
  auto r = Parse(yaml);
  return r.ok() ? "(ok)" : r.status().message();
}

TEST(ConfigRemoteReadTest, AbsentOrNullIsNone) {
  auto a = Parse("global:\n  scrape_interval: 15s\n");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->empty());
  auto b = Parse("remote_read:\n");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_TRUE(b->empty());
}

TEST(ConfigRemoteReadTest, Defaults) {
  auto r = Parse("remote_read:\n  - url: http://remote:9090/api/v1/read\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const remote::RemoteReadConfig& c = (*r)[0];
  EXPECT_EQ(c.url, "http://remote:9090/api/v1/read");
  EXPECT_EQ(c.remote_timeout_ms, 60000);
  EXPECT_FALSE(c.read_recent);
  EXPECT_TRUE(c.filter_external_labels);
  EXPECT_TRUE(c.headers.empty());
  EXPECT_TRUE(c.required_matchers.empty());
  EXPECT_FALSE(c.http.basic_auth.has_value());
  // Unnamed: six hex digits of the entry's hash, stable across loads.
  EXPECT_EQ(c.name.size(), 6u);
  auto again = Parse("remote_read:\n  - url: http://remote:9090/api/v1/read\n");
  EXPECT_EQ((*again)[0].name, c.name);
}

TEST(ConfigRemoteReadTest, EveryKey) {
  auto r = Parse(R"(
remote_read:
  - url: https://thanos:10901/api/v1/read
    name: longterm
    remote_timeout: 30s
    read_recent: true
    filter_external_labels: false
    headers: {X-Scope-OrgID: team-a}
    required_matchers: {job: node, env: prod}
    basic_auth: {username: u, password: p}
    tls_config: {insecure_skip_verify: true}
  - url: http://other/read
    authorization: {credentials: tok}
)", "/etc/cairn");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  const remote::RemoteReadConfig& a = (*r)[0];
  EXPECT_EQ(a.name, "longterm");
  EXPECT_EQ(a.remote_timeout_ms, 30000);
  EXPECT_TRUE(a.read_recent);
  EXPECT_FALSE(a.filter_external_labels);
  ASSERT_EQ(a.headers.size(), 1u);
  EXPECT_EQ(a.headers[0].first, "X-Scope-OrgID");
  EXPECT_EQ(a.headers[0].second, "team-a");
  EXPECT_EQ(a.required_matchers.ToString(), "{env=\"prod\", job=\"node\"}");
  ASSERT_TRUE(a.http.basic_auth.has_value());
  EXPECT_EQ(a.http.basic_auth->username, "u");
  EXPECT_TRUE(a.http.tls_config.insecure_skip_verify);
  const remote::RemoteReadConfig& b = (*r)[1];
  ASSERT_TRUE(b.http.authorization.has_value());
  EXPECT_EQ(b.http.authorization->type, "Bearer");
  EXPECT_EQ(b.http.authorization->credentials, "tok");
  EXPECT_NE(a.name, b.name);
}

TEST(ConfigRemoteReadTest, UpstreamRefusals) {
  EXPECT_NE(Error("remote_read:\n  - name: x\n").find("url for remote_read is empty"), std::string::npos);
  EXPECT_NE(Error("remote_read:\n  - url: http://a/read\n    nope: 1\n")
                .find("field nope not found in type config.RemoteReadConfig"),
            std::string::npos);
  EXPECT_NE(Error("remote_read:\n  - url: http://a/read\n    headers: {Authorization: x}\n")
                .find("authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 "
                      "parameter"),
            std::string::npos);
  EXPECT_NE(Error("remote_read:\n  - url: http://a/read\n    headers: {User-Agent: x}\n")
                .find("User-Agent is a reserved header. It must not be changed"),
            std::string::npos);
  EXPECT_NE(Error("remote_read:\n  - {url: 'http://a/read', name: n}\n  - {url: 'http://b/read', name: n}\n")
                .find("found multiple remote read configs with job name \"n\""),
            std::string::npos);
  EXPECT_NE(Error("remote_read:\n  - url: http://a/read\n  - url: http://a/read\n")
                .find("duplicate remote read configs are not allowed, found duplicate for URL: http://a/read"),
            std::string::npos);
  EXPECT_NE(Error("remote_read:\n  -\n").find("empty or null remote read config section"), std::string::npos);
  EXPECT_NE(Error("remote_read:\n  - url: http://a/read\n    basic_auth: {username: u}\n    "
                  "authorization: {credentials: t}\n")
                .find("at most one of basic_auth, oauth2 & authorization must be configured"),
            std::string::npos);
  EXPECT_NE(Error("remote_read:\n  - url: ftp://a/read\n").find("unsupported protocol scheme"), std::string::npos);
  EXPECT_NE(Error("remote_read:\n  - url: http://a/read\n    required_matchers: {0bad: x}\n")
                .find("\"0bad\" is not a valid label name"),
            std::string::npos);
  EXPECT_NE(Error("remote_read:\n  - url: http://a/read\n    remote_timeout: 1x\n"), "(ok)");
}

}  // namespace
}  // namespace cairn::server
