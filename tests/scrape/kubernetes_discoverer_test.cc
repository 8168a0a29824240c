// kubernetes_sd end to end against replayed API responses: each directory of
// testdata/kubernetes/ is one case —
//   config.yaml    the kubernetes_sd_configs entry (api_server is added here)
//   routes.yaml    collection path -> {list, watch, first_watch_gone, relist}:
//                  files of the directory with a *List JSON body and the
//                  newline-delimited watch events (ADDED/MODIFIED/DELETED/...)
//   expected.yaml  initial: the groups of the first update (after the lists);
//                  final: the groups known after the watch events;
//                  deleted: sources that must get an empty group;
//                  requests: substrings some request target must contain;
//                  authorization: the Authorization header every request sends.
// Expectations follow Prometheus' discovery/kubernetes/*_test.go.
#include "scrape/discovery/kubernetes/kubernetes_discoverer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "scrape/discovery/kubernetes/kubernetes_sd_config.h"
#include "tests/scrape/kubernetes_api_server.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

using storage::Labels;

const std::string kDir = std::string(CAIRN_SCRAPE_TESTDATA) + "/kubernetes/";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

Labels ToLabels(const YAML::Node& map) {
  std::vector<storage::Label> labels;
  if (map && map.IsMap()) {
    for (const auto& kv : map) labels.push_back({kv.first.as<std::string>(), kv.second.as<std::string>("")});
  }
  return Labels::FromUnsorted(std::move(labels));
}

// source -> group, for groups with targets or labels.
using State = std::map<std::string, TargetGroup>;

State ExpectedGroups(const YAML::Node& list) {
  State out;
  if (!list || !list.IsSequence()) return out;
  for (const auto& g : list) {
    TargetGroup group{g["source"].as<std::string>(), {}, ToLabels(g["labels"])};
    if (g["targets"]) {
      for (const auto& t : g["targets"]) group.targets.push_back(ToLabels(t));
    }
    out[group.source] = group;
  }
  return out;
}

std::string Describe(const State& state) {
  std::string out;
  for (const auto& [source, g] : state) {
    out += source + " " + g.labels.ToString() + "\n";
    for (const auto& t : g.targets) out += "    " + t.ToString() + "\n";
  }
  return out;
}

class RecordingSink final : public DiscoverySink {
 public:
  void Update(std::vector<TargetGroup> groups) override {
    std::lock_guard lock(mu_);
    updates_.push_back(groups);
    for (auto& g : groups) {
      if (g.targets.empty() && g.labels.empty()) {
        state_.erase(g.source);
        emptied_.insert(g.source);
      } else {
        state_[g.source] = std::move(g);
      }
    }
  }
  void RefreshFailed(const Status& status) override {
    std::lock_guard lock(mu_);
    errors_.push_back(status.ToString());
  }

  size_t update_count() const {
    std::lock_guard lock(mu_);
    return updates_.size();
  }
  std::vector<TargetGroup> first_update() const {
    std::lock_guard lock(mu_);
    return updates_.empty() ? std::vector<TargetGroup>{} : updates_.front();
  }
  State state() const {
    std::lock_guard lock(mu_);
    return state_;
  }
  std::set<std::string> emptied() const {
    std::lock_guard lock(mu_);
    return emptied_;
  }
  std::vector<std::string> errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::vector<TargetGroup>> updates_;
  State state_;
  std::set<std::string> emptied_;
  std::vector<std::string> errors_;
};

template <typename Pred>
bool Eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

class KubernetesDiscovererTest : public ::testing::TestWithParam<std::string> {};

TEST_P(KubernetesDiscovererTest, ReplaysListAndWatch) {
  const std::string dir = kDir + GetParam() + "/";
  testing::FakeKubernetesApi api;
  const YAML::Node routes = YAML::LoadFile(dir + "routes.yaml");
  for (const auto& kv : routes) {
    testing::FakeKubernetesApi::Route route;
    route.list_body = ReadFile(dir + kv.second["list"].as<std::string>());
    if (kv.second["watch"]) route.watch_lines = Lines(ReadFile(dir + kv.second["watch"].as<std::string>()));
    route.first_watch_gone = kv.second["first_watch_gone"].as<bool>(false);
    if (kv.second["relist"]) route.relist_body = ReadFile(dir + kv.second["relist"].as<std::string>());
    api.AddRoute(kv.first.as<std::string>(), std::move(route));
  }
  const std::string url = api.Start();

  YAML::Node config_yaml = YAML::LoadFile(dir + "config.yaml");
  config_yaml["api_server"] = url;
  auto config = ParseKubernetesSdConfig(config_yaml);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  KubernetesOptions options;
  options.in_cluster = {};
  options.informer.initial_backoff_ms = 10;
  KubernetesDiscoverer discoverer(*config, options);
  RecordingSink sink;
  std::jthread run([&](std::stop_token stop) { discoverer.Run(stop, sink); });

  const YAML::Node expected = YAML::LoadFile(dir + "expected.yaml");
  ASSERT_TRUE(Eventually([&] { return sink.update_count() >= 1; })) << "no first update";
  State first;
  for (const auto& g : sink.first_update()) first[g.source] = g;
  const State want_initial = ExpectedGroups(expected["initial"]);
  EXPECT_EQ(first, want_initial) << "got:\n" << Describe(first) << "want:\n" << Describe(want_initial);

  api.ReleaseWatches();
  const State want_final = ExpectedGroups(expected["final"]);
  std::set<std::string> want_deleted;
  if (expected["deleted"]) {
    for (const auto& s : expected["deleted"]) want_deleted.insert(s.as<std::string>());
  }
  const bool settled = Eventually([&] {
    const auto emptied = sink.emptied();
    for (const auto& s : want_deleted) {
      if (!emptied.count(s)) return false;
    }
    return sink.state() == want_final;
  });
  EXPECT_TRUE(settled) << "got:\n" << Describe(sink.state()) << "want:\n" << Describe(want_final);

  if (expected["requests"]) {
    for (const auto& want : expected["requests"]) {
      const std::string w = want.as<std::string>();
      const bool found = Eventually([&] {
        for (const auto& r : api.requests()) {
          if (r.target.find(w) != std::string::npos) return true;
        }
        return false;
      });
      EXPECT_TRUE(found) << "no request contains " << w;
    }
  }
  run.request_stop();
  run.join();
  EXPECT_TRUE(sink.errors().empty()) << sink.errors().front();
  if (expected["authorization"]) {
    for (const auto& r : api.requests()) {
      EXPECT_EQ(r.authorization, expected["authorization"].as<std::string>()) << r.target;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Roles, KubernetesDiscovererTest,
                         ::testing::Values("node", "service", "pod", "pod_attach_node", "pod_relist_on_gone",
                                           "endpoints", "endpointslice", "namespaces_and_selectors"));

TEST(KubernetesDiscovererErrorsTest, ApiErrorsAreReportedAsRefreshFailures) {
  testing::FakeKubernetesApi api;  // no routes: every list is 404 with a Status body
  const std::string url = api.Start();
  auto config = ParseKubernetesSdConfig(YAML::Load("{role: pod, api_server: '" + url + "'}"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  KubernetesOptions options;
  options.informer.initial_backoff_ms = 10;
  KubernetesDiscoverer discoverer(*config, options);
  RecordingSink sink;
  std::jthread run([&](std::stop_token stop) { discoverer.Run(stop, sink); });
  ASSERT_TRUE(Eventually([&] { return !sink.errors().empty(); }));
  run.request_stop();
  run.join();
  EXPECT_EQ(sink.errors().front(),
            "unavailable: list /api/v1/pods: the server could not find the requested resource");
  EXPECT_EQ(sink.update_count(), 0u) << "nothing is sent before every collection is listed";
}

}  // namespace
}  // namespace cairn::scrape::discovery::kubernetes
