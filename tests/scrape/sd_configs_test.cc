// The discovery sections of a scrape_config: Prometheus' defaults, the
// static groups' sources, and each provider's validation messages.
#include "scrape/discovery/sd_configs.h"

#include <gtest/gtest.h>

namespace cairn::scrape::discovery {
namespace {

Result<SdConfigs> Parse(const std::string& yaml) { return ParseSdConfigs(YAML::Load(yaml)); }

std::string Error(const std::string& yaml) {
  auto r = Parse(yaml);
  return r.ok() ? "OK" : r.status().message();
}

TEST(SdConfigsTest, StaticGroupsAreNumberedAcrossEntries) {
  auto cfg = Parse(R"(
job_name: node
scrape_interval: 15s
static_configs:
  - targets: [a:1, b:1]
    labels: {env: prod}
  - targets: [c:1]
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_EQ(cfg->static_groups.size(), 2u);
  EXPECT_EQ(cfg->static_groups[0].source, "0");
  EXPECT_EQ(cfg->static_groups[1].source, "1");
  EXPECT_EQ(cfg->static_groups[0].labels.Get("env"), "prod");
  EXPECT_EQ(cfg->static_groups[1].targets.size(), 1u);
  EXPECT_EQ(NewDiscoverers(*cfg, {}).size(), 1u);
}

TEST(SdConfigsTest, Defaults) {
  auto cfg = Parse(R"(
file_sd_configs: [{files: [targets/*.json]}]
http_sd_configs: [{url: 'http://sd.example:8080/targets'}]
dns_sd_configs: [{names: [_node._tcp.example.com]}]
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->file.at(0).refresh_interval_ms, 300000);
  EXPECT_EQ(cfg->http.at(0).refresh_interval_ms, 60000);
  EXPECT_EQ(cfg->dns.at(0).refresh_interval_ms, 30000);
  EXPECT_EQ(cfg->dns.at(0).type, "SRV");
  EXPECT_EQ(cfg->dns.at(0).port, 0);
  EXPECT_EQ(NewDiscoverers(*cfg, {}).size(), 3u);
}

TEST(SdConfigsTest, ExplicitValues) {
  auto cfg = Parse(R"(
file_sd_configs: [{files: [a.yml, 'dir/*.yaml'], refresh_interval: 1m}]
dns_sd_configs: [{names: [db.example.com], type: a, port: 9100, refresh_interval: 10s}]
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->file.at(0).files, (std::vector<std::string>{"a.yml", "dir/*.yaml"}));
  EXPECT_EQ(cfg->file.at(0).refresh_interval_ms, 60000);
  EXPECT_EQ(cfg->dns.at(0).port, 9100);
  EXPECT_EQ(cfg->dns.at(0).refresh_interval_ms, 10000);
}

TEST(SdConfigsTest, EmptySections) {
  EXPECT_EQ(Error("static_configs: [null]"), "line 1: empty or null section in static_configs");
  EXPECT_EQ(Error("file_sd_configs:\n  - \n"), "line 2: empty or null section in file_sd_configs");
  EXPECT_EQ(Error("http_sd_configs: [{}]"), "line 1: empty or null section in http_sd_configs");
}

TEST(SdConfigsTest, FileSdValidation) {
  EXPECT_EQ(Error("file_sd_configs: [{files: []}]"),
            "line 1: file service discovery config must contain at least one path name");
  EXPECT_EQ(Error("file_sd_configs: [{files: [targets.txt]}]"),
            "line 1: path name \"targets.txt\" is not valid for file discovery");
  EXPECT_EQ(Error("file_sd_configs: [{files: ['*/x.json']}]"),
            "line 1: path name \"*/x.json\" is not valid for file discovery");
  EXPECT_EQ(Error("file_sd_configs: [{files: [a.json], refresh_interval: 5x}]"),
            "line 1: unknown unit \"x\" in duration \"5x\"");
  EXPECT_EQ(Error("file_sd_configs: [{files: [a.json], refresh: 5m}]"),
            "line 1: field refresh not found in type file.SDConfig");
}

TEST(SdConfigsTest, HttpSdValidation) {
  EXPECT_EQ(Error("http_sd_configs: [{refresh_interval: 1m}]"), "line 1: URL is missing");
  EXPECT_EQ(Error("http_sd_configs: [{url: 'ftp://x/y'}]"), "line 1: URL scheme must be 'http' or 'https'");
  EXPECT_EQ(Error("http_sd_configs: [{url: 'http:///path'}]"), "line 1: host is missing in URL");
}

TEST(SdConfigsTest, HttpSdTakesTheHttpClientOptions) {
  auto cfg = Parse(R"(
http_sd_configs:
  - url: https://sd.example/targets
    follow_redirects: false
    basic_auth: {username: u, password: p}
    tls_config: {insecure_skip_verify: true}
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  const auto& client = cfg->http.at(0).http_client;
  EXPECT_FALSE(client.follow_redirects);
  ASSERT_TRUE(client.basic_auth.has_value());
  EXPECT_EQ(client.basic_auth->username, "u");
  EXPECT_TRUE(client.tls_config.insecure_skip_verify);
}

TEST(SdConfigsTest, DnsSdValidation) {
  EXPECT_EQ(Error("dns_sd_configs: [{names: []}]"), "line 1: DNS-SD config must contain at least one SRV record name");
  EXPECT_EQ(Error("dns_sd_configs: [{names: [x.example], type: A}]"),
            "line 1: a port is required in DNS-SD configs for all record types except SRV");
  EXPECT_EQ(Error("dns_sd_configs: [{names: [x.example], type: TXT}]"), "line 1: invalid DNS-SD records type TXT");
  EXPECT_EQ(Error("dns_sd_configs: [{names: [x.example], type: MX, port: http}]"),
            "line 1: cannot unmarshal \"http\" into port (an integer)");
}

TEST(SdConfigsTest, OtherMechanismsAreNamedAsUnsupported) {
  auto r = Parse("consul_sd_configs: [{server: 'localhost:8500'}]");
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(r.status().message(), "line 1: consul_sd_configs is not supported by Cairn");
  EXPECT_TRUE(IsSdConfigKey("dns_sd_configs"));
  EXPECT_FALSE(IsSdConfigKey("scrape_interval"));
}

TEST(SdConfigsTest, NoDiscoveryIsNoProviders) {
  auto cfg = Parse("job_name: empty");
  ASSERT_TRUE(cfg.ok());
  EXPECT_TRUE(NewDiscoverers(*cfg, {}).empty());
  EXPECT_EQ(*cfg, SdConfigs{});
}

}  // namespace
}  // namespace cairn::scrape::discovery
