// dns_sd against a real DNS server (testdata/dns_server.py) on 127.0.0.1:
// each record type, the meta labels Prometheus sets, NXDOMAIN as an empty
// group and a failing server as an error that keeps the last group.
#include "scrape/discovery/dns_discoverer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

#include "tests/scrape/child_process.h"

namespace cairn::scrape::discovery {
namespace {

namespace fs = std::filesystem;
using storage::Labels;

class DnsDiscovererTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/cairn_dns_sd_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    server_ = std::make_unique<testing::ChildProcess>();
    ASSERT_TRUE(server_->Start({
        "python3", std::string(CAIRN_SCRAPE_TESTDATA) + "/dns_server.py", dir_ + "/zone.json"}));
    port_ = server_->ReadLine(std::chrono::seconds(10));
    ASSERT_FALSE(port_.empty()) << "the helper server printed no port";
    options_.servers = "127.0.0.1:" + port_;
    options_.timeout_ms = 2000;
  }
  // Every test starts from this zone; the server re-reads it per query.
  void SetUp() override {
    Zone(R"({
      "_node._tcp.cairn.test.": {"SRV": [[10, 5, 9100, "node1.cairn.test."], [10, 5, 9101, "node2.cairn.test."]]},
      "web.cairn.test.": {"A": ["10.0.0.1", "10.0.0.2"], "AAAA": ["fd00::1"]},
      "cairn.test.": {"MX": [[10, "mx1.cairn.test."]], "NS": ["ns1.cairn.test.", "ns2.cairn.test."]},
      "broken.cairn.test.": {"rcode": 2}
    })");
  }
  static void TearDownTestSuite() {
    server_.reset();
    fs::remove_all(dir_);
  }
  static void Zone(const std::string& json) {
    std::ofstream(dir_ + "/zone.json.tmp") << json;
    fs::rename(dir_ + "/zone.json.tmp", dir_ + "/zone.json");
  }
  static DnsDiscoverer New(std::vector<std::string> names, std::string type, int64_t port) {
    return DnsDiscoverer(DnsSdConfig{std::move(names), 30000, std::move(type), port}, options_);
  }

  static std::string dir_;
  static DnsOptions options_;
  static std::string port_;
  static std::unique_ptr<testing::ChildProcess> server_;
};
std::string DnsDiscovererTest::dir_;
DnsOptions DnsDiscovererTest::options_;
std::string DnsDiscovererTest::port_;
std::unique_ptr<testing::ChildProcess> DnsDiscovererTest::server_;

Labels Target(const std::string& address, const std::string& name, const std::string& srv_target = "",
              const std::string& srv_port = "", const std::string& mx = "", const std::string& ns = "") {
  return Labels{{"__address__", address},         {"__meta_dns_name", name},
                {"__meta_dns_srv_record_target", srv_target}, {"__meta_dns_srv_record_port", srv_port},
                {"__meta_dns_mx_record_target", mx},          {"__meta_dns_ns_record_target", ns}};
}

TEST_F(DnsDiscovererTest, SrvRecords) {
  const std::string name = "_node._tcp.cairn.test";
  RefreshResult r = New({name}, "SRV", 0).Refresh();
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].ToString();
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].source, name);
  EXPECT_EQ(r.groups[0].targets, (std::vector<Labels>{
                                     Target("node1.cairn.test:9100", name, "node1.cairn.test.", "9100"),
                                     Target("node2.cairn.test:9101", name, "node2.cairn.test.", "9101"),
                                 }));
}

TEST_F(DnsDiscovererTest, AddressRecordsUseTheConfiguredPort) {
  RefreshResult a = New({"web.cairn.test"}, "A", 80).Refresh();
  ASSERT_TRUE(a.errors.empty()) << a.errors[0].ToString();
  ASSERT_EQ(a.groups.size(), 1u);
  EXPECT_EQ(a.groups[0].targets, (std::vector<Labels>{Target("10.0.0.1:80", "web.cairn.test"),
                                                      Target("10.0.0.2:80", "web.cairn.test")}));
  RefreshResult aaaa = New({"web.cairn.test"}, "aaaa", 443).Refresh();
  ASSERT_TRUE(aaaa.errors.empty()) << aaaa.errors[0].ToString();
  ASSERT_EQ(aaaa.groups.size(), 1u);
  EXPECT_EQ(aaaa.groups[0].targets, (std::vector<Labels>{Target("[fd00::1]:443", "web.cairn.test")}));
}

TEST_F(DnsDiscovererTest, MxAndNsRecords) {
  RefreshResult mx = New({"cairn.test"}, "MX", 25).Refresh();
  ASSERT_TRUE(mx.errors.empty()) << mx.errors[0].ToString();
  ASSERT_EQ(mx.groups.size(), 1u);
  EXPECT_EQ(mx.groups[0].targets,
            std::vector<Labels>{Target("mx1.cairn.test:25", "cairn.test", "", "", "mx1.cairn.test.")});
  RefreshResult ns = New({"cairn.test"}, "NS", 53).Refresh();
  ASSERT_TRUE(ns.errors.empty()) << ns.errors[0].ToString();
  ASSERT_EQ(ns.groups.size(), 1u);
  EXPECT_EQ(ns.groups[0].targets,
            (std::vector<Labels>{Target("ns1.cairn.test:53", "cairn.test", "", "", "", "ns1.cairn.test."),
                                 Target("ns2.cairn.test:53", "cairn.test", "", "", "", "ns2.cairn.test.")}));
}

TEST_F(DnsDiscovererTest, MissingNameIsAnEmptyGroupAndFailureKeepsTheLast) {
  RefreshResult r = New({"nothing.cairn.test", "broken.cairn.test", "web.cairn.test"}, "A", 80).Refresh();
  // NXDOMAIN: the group is there, empty, so the manager drops that source.
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].source, "nothing.cairn.test");
  EXPECT_TRUE(r.groups[0].targets.empty());
  EXPECT_EQ(r.groups[1].source, "web.cairn.test");
  // SERVFAIL: no group at all, so the last one stays.
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message().find("could not resolve \"broken.cairn.test\""), std::string::npos)
      << r.errors[0].message();
}

TEST_F(DnsDiscovererTest, AnswersFollowTheServer) {
  DnsDiscoverer d = New({"web.cairn.test"}, "A", 80);
  ASSERT_EQ(d.Refresh().groups.at(0).targets.size(), 2u);
  Zone(R"({"web.cairn.test.": {"A": ["10.0.0.9"]}})");
  RefreshResult r = d.Refresh();
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].targets, (std::vector<Labels>{Target("10.0.0.9:80", "web.cairn.test")}));
}

}  // namespace
}  // namespace cairn::scrape::discovery
