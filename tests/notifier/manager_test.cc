// The notifier Manager against in-test Alertmanagers: what arrives, in which
// batches, with which labels, and what is counted when things go wrong.
#include "notifier/manager.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <thread>

#include "tests/scrape/recording_http_server.h"

namespace cairn::notifier {
namespace {

using cairn::testing::CannedResponse;
using cairn::testing::RecordedRequest;
using cairn::testing::RecordingServer;
using namespace std::chrono_literals;

std::string Addr(const RecordingServer& s) { return "127.0.0.1:" + std::to_string(s.port()); }

std::shared_ptr<AlertmanagerConfig> StaticSet(const std::vector<std::string>& addrs, std::string fingerprint = "") {
  auto cfg = std::make_shared<AlertmanagerConfig>();
  scrape::discovery::TargetGroup group;
  group.source = "0";
  for (const auto& a : addrs) group.targets.push_back({{"__address__", a}});
  cfg->discovery.static_groups = {group};
  cfg->fingerprint = fingerprint.empty() ? "static:" + std::to_string(addrs.size()) + addrs.front() : fingerprint;
  return cfg;
}

ManagerOptions FastOptions(QueueOptions queue = {}) {
  ManagerOptions o;
  o.queue = queue;
  o.discovery.update_interval_ms = 20;
  return o;
}

bool WaitForActive(const Manager& m, size_t n) {
  for (int i = 0; i < 500; ++i) {
    if (m.ActiveAlertmanagers().size() == n) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

Alert NamedAlert(const std::string& name, storage::Labels extra = {}) {
  std::vector<storage::Label> ls = {{"alertname", name}};
  for (const auto& l : extra) ls.push_back(l);
  return Alert{.labels = storage::Labels::FromUnsorted(std::move(ls)),
               .annotations = {{"summary", name + " fired"}},
               .starts_at_ms = 1765098900000,
               .ends_at_ms = 1765099200000,
               .generator_url = "http://cairn/graph"};
}

std::vector<std::string> AlertNames(const RecordedRequest& r) {
  std::vector<std::string> names;
  for (const auto& a : YAML::Load(r.body)) names.push_back(a["labels"]["alertname"].as<std::string>());
  return names;
}

// The figures are counted once the answer is read, just after the server
// has written it: wait for them.
bool WaitForSent(const Manager& m, uint64_t n) {
  for (int i = 0; i < 500; ++i) {
    for (const auto& f : m.Collect().alertmanagers) {
      if (f.sent + f.errors >= n) return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

AlertmanagerFigures FiguresOf(const Manager& m, const std::string& url) {
  for (auto& f : m.Collect().alertmanagers) {
    if (f.url == url) return f;
  }
  ADD_FAILURE() << "no figures for " << url;
  return {};
}

ingest::RelabelRule Rule(ingest::RelabelConfig cfg) { return ingest::RelabelRule::Make(std::move(cfg)).value(); }

TEST(NotifierManagerTest, PostsAlertmanagerV2JsonWithExternalLabelsAndRelabeling) {
  RecordingServer am;
  Manager m(FastOptions());
  auto set = StaticSet({Addr(am)});
  set->path_prefix = "/prefix";
  ingest::RelabelConfig tag;  // this entry's alert_relabel_configs
  tag.target_label = "routed";
  tag.replacement = "yes";
  set->alert_relabel = {Rule(tag)};
  AlertingConfig cfg{.alertmanagers = {set}};
  ingest::RelabelConfig drop;  // alerting.alert_relabel_configs, after external labels
  drop.action = ingest::RelabelAction::kDrop;
  drop.source_labels = {"severity", "cluster"};
  drop.regex = ingest::RelabelRegexp::Compile("info;eu1").value();
  cfg.alert_relabel = {Rule(drop)};
  ASSERT_TRUE(m.ApplyConfig(cfg, {{"cluster", "eu1"}}).ok());
  ASSERT_TRUE(WaitForActive(m, 1));

  m.Send({NamedAlert("Kept", {{"severity", "page"}}), NamedAlert("Dropped", {{"severity", "info"}})});
  ASSERT_TRUE(am.WaitForRequests(1));
  const RecordedRequest r = am.requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/prefix/api/v2/alerts");
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  YAML::Node alerts = YAML::Load(r.body);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["labels"]["alertname"].as<std::string>(), "Kept");
  EXPECT_EQ(alerts[0]["labels"]["cluster"].as<std::string>(), "eu1");
  EXPECT_EQ(alerts[0]["labels"]["routed"].as<std::string>(), "yes");
  EXPECT_EQ(alerts[0]["annotations"]["summary"].as<std::string>(), "Kept fired");
  EXPECT_EQ(alerts[0]["startsAt"].as<std::string>(), "2025-12-07T09:15:00.000Z");
  EXPECT_EQ(alerts[0]["endsAt"].as<std::string>(), "2025-12-07T09:20:00.000Z");
  EXPECT_EQ(alerts[0]["generatorURL"].as<std::string>(), "http://cairn/graph");

  const std::string url = am.url("/prefix/api/v2/alerts");
  EXPECT_EQ(m.ActiveAlertmanagers(), std::vector<std::string>{url});
  ASSERT_TRUE(WaitForSent(m, 1));
  auto f = FiguresOf(m, url);
  EXPECT_EQ(f.sent, 1u);
  EXPECT_EQ(f.errors, 0u);
  EXPECT_EQ(f.latency.count, 1u);
}

TEST(NotifierManagerTest, BatchesAtMost256AlertsPerRequest) {
  RecordingServer am;
  Manager m(FastOptions());
  ASSERT_TRUE(m.ApplyConfig({.alertmanagers = {StaticSet({Addr(am)})}}, {}).ok());
  ASSERT_TRUE(WaitForActive(m, 1));
  std::vector<Alert> alerts;
  for (int i = 0; i < 600; ++i) alerts.push_back(NamedAlert("A" + std::to_string(i)));
  m.Send(std::move(alerts));
  ASSERT_TRUE(am.WaitForRequests(3));
  auto reqs = am.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(AlertNames(reqs[0]).size(), 256u);
  EXPECT_EQ(AlertNames(reqs[1]).size(), 256u);
  EXPECT_EQ(AlertNames(reqs[2]).size(), 88u);
  EXPECT_EQ(AlertNames(reqs[0]).front(), "A0");  // in order
  EXPECT_EQ(AlertNames(reqs[2]).back(), "A599");
  ASSERT_TRUE(WaitForSent(m, 600));
  EXPECT_EQ(FiguresOf(m, am.url("/api/v2/alerts")).sent, 600u);
}

TEST(NotifierManagerTest, FullQueueDropsTheOldestAndCountsThem) {
  RecordingServer am;
  am.set_responder([](const RecordedRequest& r) {
    // The first POST is slow, so the queue fills behind it.
    return CannedResponse{.delay = r.body.find("First") != std::string::npos ? 400ms : 0ms};
  });
  Manager m(FastOptions({.capacity = 10}));
  ASSERT_TRUE(m.ApplyConfig({.alertmanagers = {StaticSet({Addr(am)})}}, {}).ok());
  ASSERT_TRUE(WaitForActive(m, 1));
  m.Send({NamedAlert("First")});
  for (int i = 0; i < 100 && am.requests().empty(); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(am.requests().size(), 1u);  // the loop is now waiting for the answer
  std::vector<Alert> burst;
  for (int i = 0; i < 15; ++i) burst.push_back(NamedAlert("B" + std::to_string(i)));
  m.Send(std::move(burst));
  const std::string url = am.url("/api/v2/alerts");
  EXPECT_EQ(FiguresOf(m, url).queue_length, 10u);
  EXPECT_EQ(FiguresOf(m, url).dropped, 5u);
  ASSERT_TRUE(am.WaitForRequests(2));
  auto names = AlertNames(am.requests().at(1));
  ASSERT_EQ(names.size(), 10u);
  EXPECT_EQ(names.front(), "B5");
  EXPECT_EQ(names.back(), "B14");
  EXPECT_EQ(m.Collect().queue_capacity, 10u);
}

TEST(NotifierManagerTest, FailedPostsCountAsErrorsAndDropsWithoutRetry) {
  RecordingServer am;
  am.set_responder([](const RecordedRequest&) { return CannedResponse{.status = 500}; });
  Manager m(FastOptions());
  ASSERT_TRUE(m.ApplyConfig({.alertmanagers = {StaticSet({Addr(am)})}}, {}).ok());
  ASSERT_TRUE(WaitForActive(m, 1));
  m.Send({NamedAlert("A"), NamedAlert("B")});
  ASSERT_TRUE(am.WaitForRequests(1));
  ASSERT_TRUE(WaitForSent(m, 2));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(am.requests().size(), 1u);  // not retried
  auto f = FiguresOf(m, am.url("/api/v2/alerts"));
  EXPECT_EQ(f.errors, 2u);
  EXPECT_EQ(f.dropped, 2u);
  EXPECT_EQ(f.sent, 0u);
  EXPECT_EQ(f.latency.count, 0u);
  EXPECT_EQ(f.last_error, "bad response status 500 Internal Server Error");
}

TEST(NotifierManagerTest, EveryAlertmanagerOfEverySetGetsEveryAlert) {
  RecordingServer a, b, c;
  Manager m(FastOptions());
  // A duplicate address within a set is one Alertmanager.
  ASSERT_TRUE(m.ApplyConfig({.alertmanagers = {StaticSet({Addr(a), Addr(b), Addr(a)}), StaticSet({Addr(c)})}}, {})
                  .ok());
  ASSERT_TRUE(WaitForActive(m, 3));
  EXPECT_EQ(m.Collect().alertmanagers_discovered, 3u);
  m.Send({NamedAlert("X")});
  for (RecordingServer* s : {&a, &b, &c}) {
    ASSERT_TRUE(s->WaitForRequests(1));
    EXPECT_EQ(AlertNames(s->requests().at(0)), std::vector<std::string>{"X"});
  }
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(a.requests().size(), 1u);
}

TEST(NotifierManagerTest, RelabelingChoosesActiveAndDroppedAlertmanagers) {
  RecordingServer a, b;
  Manager m(FastOptions());
  auto set = StaticSet({Addr(a), Addr(b)});
  ingest::RelabelConfig keep;
  keep.action = ingest::RelabelAction::kKeep;
  keep.source_labels = {"__address__"};
  keep.regex = ingest::RelabelRegexp::Compile(Addr(a)).value();
  set->relabel = {Rule(keep)};
  ASSERT_TRUE(m.ApplyConfig({.alertmanagers = {set}}, {}).ok());
  ASSERT_TRUE(WaitForActive(m, 1));
  EXPECT_EQ(m.ActiveAlertmanagers(), std::vector<std::string>{a.url("/api/v2/alerts")});
  EXPECT_EQ(m.DroppedAlertmanagers(), std::vector<std::string>{b.url("/api/v2/alerts")});
  m.Send({NamedAlert("X")});
  ASSERT_TRUE(a.WaitForRequests(1));
  EXPECT_TRUE(b.requests().empty());
}

TEST(NotifierManagerTest, ReloadKeepsAnUnchangedSetAndDropsARemovedOne) {
  RecordingServer a, b;
  Manager m(FastOptions());
  auto set_a = StaticSet({Addr(a)}, "a");
  ASSERT_TRUE(m.ApplyConfig({.alertmanagers = {set_a, StaticSet({Addr(b)}, "b")}}, {}).ok());
  ASSERT_TRUE(WaitForActive(m, 2));
  ASSERT_TRUE(m.ApplyConfig({.alertmanagers = {StaticSet({Addr(a)}, "a")}}, {}).ok());
  // Kept at once, without waiting for discovery.
  EXPECT_EQ(m.ActiveAlertmanagers(), std::vector<std::string>{a.url("/api/v2/alerts")});
  m.Send({NamedAlert("X")});
  ASSERT_TRUE(a.WaitForRequests(1));
  std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(b.requests().empty());
}

TEST(NotifierManagerTest, StopDrainsTheQueueWithinTheDeadline) {
  RecordingServer am;
  am.set_responder([](const RecordedRequest&) { return CannedResponse{.delay = 100ms}; });
  Manager m(FastOptions({.max_batch_size = 2}));
  ASSERT_TRUE(m.ApplyConfig({.alertmanagers = {StaticSet({Addr(am)})}}, {}).ok());
  ASSERT_TRUE(WaitForActive(m, 1));
  m.Send({NamedAlert("A"), NamedAlert("B"), NamedAlert("C"), NamedAlert("D"), NamedAlert("E")});
  m.Stop(5s);
  EXPECT_EQ(am.requests().size(), 3u);
  auto f = m.Collect().alertmanagers.at(0);
  EXPECT_EQ(f.sent, 5u);
  EXPECT_EQ(f.dropped, 0u);
  m.Send({NamedAlert("Late")});  // ignored once stopped
  EXPECT_EQ(m.Collect().alertmanagers.at(0).queue_length, 0u);
}

TEST(NotifierManagerTest, StopWithoutDrainingCountsWhatIsLeft) {
  RecordingServer am;
  am.set_responder([](const RecordedRequest&) { return CannedResponse{.delay = 200ms}; });
  Manager m(FastOptions({.max_batch_size = 1, .drain_on_shutdown = false}));
  ASSERT_TRUE(m.ApplyConfig({.alertmanagers = {StaticSet({Addr(am)})}}, {}).ok());
  ASSERT_TRUE(WaitForActive(m, 1));
  m.Send({NamedAlert("A"), NamedAlert("B"), NamedAlert("C")});
  for (int i = 0; i < 100 && am.requests().empty(); ++i) std::this_thread::sleep_for(5ms);
  m.Stop(5s);
  auto f = m.Collect().alertmanagers.at(0);
  EXPECT_EQ(f.sent, 1u);     // the POST in flight finished
  EXPECT_EQ(f.dropped, 2u);  // the rest was not sent
}

}  // namespace
}  // namespace cairn::notifier
