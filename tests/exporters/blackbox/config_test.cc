#include "exporters/blackbox/config.h"

#include <gtest/gtest.h>

namespace cairn::blackbox {
namespace {

std::string ParseError(const std::string& yaml) {
  auto c = ParseConfig(yaml);
  EXPECT_FALSE(c.ok()) << yaml;
  return c.ok() ? "" : c.status().message();
}

TEST(BlackboxConfig, DefaultsAsUpstream) {
  auto c = ParseConfig(R"YAML(
modules:
  http_2xx:
    prober: http
  dns:
    prober: dns
    timeout: 1.5s
    dns:
      query_name: example.test
)YAML");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const Module& http = c.value().modules.at("http_2xx");
  EXPECT_EQ(http.prober, "http");
  EXPECT_EQ(http.timeout_ns, 0);
  EXPECT_TRUE(http.http.ip_protocol_fallback);
  EXPECT_TRUE(http.http.client.follow_redirects);
  EXPECT_EQ(http.icmp.ttl, 64);
  const Module& dns = c.value().modules.at("dns");
  EXPECT_EQ(dns.timeout_ns, 1'500'000'000);
  EXPECT_TRUE(dns.dns.recursion_desired);
  EXPECT_EQ(dns.dns.query_name, "example.test");
}

TEST(BlackboxConfig, HttpFields) {
  auto c = ParseConfig(R"YAML(
modules:
  m:
    prober: http
    http:
      valid_status_codes: [200, 301]
      valid_http_versions: ["HTTP/1.1"]
      method: POST
      headers: {X-Test: "1", Host: example.test}
      body: "{}"
      no_follow_redirects: true
      fail_if_ssl: true
      fail_if_body_matches_regexp: ["error"]
      fail_if_header_not_matches: [{header: Content-Type, regexp: "^text/", allow_missing: true}]
      bearer_token: secret
      tls_config: {insecure_skip_verify: true, server_name: example.test}
      body_size_limit: 1KB
)YAML");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const HttpProbe& h = c.value().modules.at("m").http;
  EXPECT_EQ(h.valid_status_codes, (std::vector<int>{200, 301}));
  EXPECT_EQ(h.method, "POST");
  EXPECT_EQ(h.headers.size(), 2u);
  EXPECT_FALSE(h.client.follow_redirects);
  EXPECT_EQ(h.client.authorization_type, "Bearer");
  EXPECT_EQ(h.client.authorization_credentials, "secret");
  EXPECT_TRUE(h.client.tls_config.insecure_skip_verify);
  EXPECT_EQ(h.body_size_limit, 1024);
  ASSERT_EQ(h.fail_if_header_not_matches.size(), 1u);
  EXPECT_TRUE(h.fail_if_header_not_matches[0].allow_missing);
}

TEST(BlackboxConfig, TcpQueryResponse) {
  auto c = ParseConfig(R"YAML(
modules:
  irc:
    prober: tcp
    tcp:
      query_response:
      - send: "NICK prober"
      - expect: "PING :([^ ]+)"
        send: "PONG ${1}"
      - starttls: true
)YAML");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const auto& qr = c.value().modules.at("irc").tcp.query_response;
  ASSERT_EQ(qr.size(), 3u);
  EXPECT_FALSE(qr[0].expect.has_value());
  ASSERT_TRUE(qr[1].expect.has_value());
  EXPECT_EQ(qr[1].send, "PONG ${1}");
  EXPECT_TRUE(qr[2].starttls);
}

// The messages are upstream 0.23's for the same files (seen with
// `prometheus-blackbox-exporter --config.check`).
TEST(BlackboxConfig, RefusesAsUpstream) {
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: http\n    http:\n      methd: GET\n"),
            "yaml: unmarshal errors:\n  line 5: field methd not found in type config.plain");
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: dns\n    dns:\n      query_type: A\n"),
            "query name must be set for DNS module");
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: http\n    timeout: 5x\n"),
            "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `5x` into time.Duration");
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: http\n    http:\n      fail_if_body_matches_regexp: [\"(a\"]\n"),
            "\"Could not compile regular expression\" regexp=\"(a\"");
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: icmp\n    icmp:\n      ttl: 300\n"), "\"ttl\" cannot exceed 255");
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: http\n    http:\n      valid_status_codes: [abc]\n"),
            "yaml: unmarshal errors:\n  line 5: cannot unmarshal !!str `abc` into int");
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: http\n    http:\n      fail_if_header_matches: [{header: X}]\n"),
            "regexp must be set for HTTP header matchers");
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: http\n    http:\n      basic_auth: {username: a}\n      bearer_token: x\n"),
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: dns\n    dns:\n      query_name: x\n      query_type: AX\n"),
            "query type 'AX' is not valid");
  EXPECT_EQ(ParseError("modules:\n  a:\n    prober: http\n  b: [1]\n"),
            "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!seq into config.plain");
  EXPECT_EQ(ParseError("modulez: {}\n"), "yaml: unmarshal errors:\n  line 1: field modulez not found in type config.plain");
}

// As upstream, an unknown prober loads and fails at probe time, and a DNS
// validator's bad regexp fails the probe rather than the load.
TEST(BlackboxConfig, AcceptsWhatUpstreamAccepts) {
  auto c = ParseConfig("modules:\n  a:\n    prober: foo\n  d:\n    prober: dns\n    dns:\n      query_name: x\n"
                       "      validate_answer_rrs: {fail_if_matches_regexp: [\"(\"]}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c.value().modules.at("d").dns.validate_answer_rrs.fail_if_matches_regexp[0].re->ok());
}

TEST(BlackboxConfig, SeedAndDebianFilesLoad) {
  for (const char* path : {CAIRN_SOURCE_DIR "/deploy/blackbox.yml", "/etc/prometheus/blackbox.yml"}) {
    auto c = LoadConfigFile(path);
    if (!c.ok() && std::string(path).rfind("/etc/", 0) == 0 && c.status().code() == StatusCode::kIOError) continue;
    ASSERT_TRUE(c.ok()) << path << ": " << c.status().message();
    EXPECT_GE(c.value().modules.size(), 3u) << path;
  }
  auto c = LoadConfigFile(CAIRN_SOURCE_DIR "/deploy/blackbox.yml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().modules.at("http_2xx").timeout_ns, 5'000'000'000);
  EXPECT_EQ(c.value().modules.at("redis_ping").tcp.query_response.size(), 2u);
}

TEST(BlackboxConfig, MissingFile) {
  auto c = LoadConfigFile("/nonexistent/blackbox.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "error reading config file: open /nonexistent/blackbox.yml: No such file or directory");
}

TEST(BlackboxConfig, GoDurations) {
  EXPECT_EQ(ParseGoDuration("5s").value(), 5'000'000'000);
  EXPECT_EQ(ParseGoDuration("1m30s").value(), 90'000'000'000);
  EXPECT_EQ(ParseGoDuration("250ms").value(), 250'000'000);
  EXPECT_EQ(ParseGoDuration("0").value(), 0);
  EXPECT_FALSE(ParseGoDuration("5").ok());
  EXPECT_FALSE(ParseGoDuration("1d").ok());
}

}  // namespace
}  // namespace cairn::blackbox
