// The discovery Manager: merging groups per job by source, coalescing
// updates until a tick, (re)applying configs, and a file_sd provider end to
// end. A ManualTicker decides when syncs happen, so nothing here sleeps.
#include "scrape/discovery/manager.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <variant>

namespace cairn::scrape::discovery {
namespace {

namespace fs = std::filesystem;
using storage::Labels;

TargetGroup Group(const std::string& source, std::vector<std::string> addresses) {
  TargetGroup g{source, {}, {}};
  for (const auto& a : addresses) g.targets.push_back(Labels{{"__address__", a}});
  return g;
}

std::vector<std::string> Sources(const std::vector<TargetGroup>& groups) {
  std::vector<std::string> out;
  for (const auto& g : groups) out.push_back(g.source);
  return out;
}

// A provider the test drives: each Push/Fail is handed to the sink from the
// provider's own thread (as the sink contract asks) before Push returns.
struct RefreshReport {
  std::string mechanism;
  double seconds;
  bool failed;
};

class FakeDiscoverer final : public Discoverer {
 public:
  void Run(std::stop_token stop, DiscoverySink& sink) override {
    std::unique_lock lock(mu_);
    while (cv_.wait(lock, stop, [&] { return !queue_.empty(); })) {
      auto item = std::move(queue_.front());
      queue_.pop_front();
      if (auto* groups = std::get_if<std::vector<TargetGroup>>(&item)) {
        sink.Update(std::move(*groups));
      } else {
        const auto& report = std::get<RefreshReport>(item);
        sink.Refreshed(report.mechanism, report.seconds, report.failed);
      }
      ++delivered_;
      cv_.notify_all();
    }
  }
  void Push(std::vector<TargetGroup> groups) { Send(std::move(groups)); }
  void Refreshed(std::string mechanism, double seconds, bool failed) {
    Send(RefreshReport{std::move(mechanism), seconds, failed});
  }

 private:
  void Send(std::variant<std::vector<TargetGroup>, RefreshReport> item) {
    std::unique_lock lock(mu_);
    queue_.push_back(std::move(item));
    const uint64_t want = ++sent_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return delivered_ >= want; });
  }

  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<std::variant<std::vector<TargetGroup>, RefreshReport>> queue_;
  uint64_t sent_ = 0;
  uint64_t delivered_ = 0;
};

// Records syncs; the Manager calls it on its sender thread.
struct Syncs {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<TargetGroupsByJob> all;

  SyncFn Fn() {
    return [this](const TargetGroupsByJob& jobs) {
      std::lock_guard lock(mu);
      all.push_back(jobs);
      cv.notify_all();
    };
  }
  size_t count() {
    std::lock_guard lock(mu);
    return all.size();
  }
  TargetGroupsByJob last() {
    std::lock_guard lock(mu);
    return all.back();
  }
};

// Providers run on their own threads; waits (bounded) until `pred` holds for
// the Manager's groups.
bool WaitForGroups(const Manager& m, const std::function<bool(const TargetGroupsByJob&)>& pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!pred(m.AllGroups())) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class DiscoveryManagerTest : public ::testing::Test {
 protected:
  ManualTicker ticker_;
  Syncs syncs_;
  Manager manager_{syncs_.Fn(), ManagerOptions{5000, &ticker_, {}}};
};

TEST_F(DiscoveryManagerTest, CoalescesUpdatesUntilTheTick) {
  auto fake = std::make_unique<FakeDiscoverer>();
  FakeDiscoverer* f = fake.get();
  manager_.StartProvider("node", std::move(fake));
  f->Push({Group("a", {"a:1"})});
  f->Push({Group("b", {"b:1"})});
  f->Push({Group("a", {"a:2"})});
  EXPECT_EQ(syncs_.count(), 0u);
  ticker_.Tick();
  ASSERT_EQ(syncs_.count(), 1u);
  const auto jobs = syncs_.last();
  ASSERT_EQ(jobs.size(), 1u);
  const auto& groups = jobs.at("node");
  ASSERT_EQ(Sources(groups), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(groups[0].targets, (std::vector<Labels>{Labels{{"__address__", "a:2"}}}));
  // Nothing changed since: a tick sends nothing.
  ticker_.Tick();
  EXPECT_EQ(syncs_.count(), 1u);
}

TEST_F(DiscoveryManagerTest, EmptyGroupRemovesItsSource) {
  auto fake = std::make_unique<FakeDiscoverer>();
  FakeDiscoverer* f = fake.get();
  manager_.StartProvider("node", std::move(fake));
  f->Push({Group("a", {"a:1"}), Group("b", {"b:1"})});
  ticker_.Tick();
  f->Push({Group("a", {})});
  ticker_.Tick();
  ASSERT_EQ(syncs_.count(), 2u);
  EXPECT_EQ(Sources(syncs_.last().at("node")), std::vector<std::string>{"b"});
}

TEST_F(DiscoveryManagerTest, GroupsOfProvidersAreKeptApart) {
  auto one = std::make_unique<FakeDiscoverer>();
  auto two = std::make_unique<FakeDiscoverer>();
  FakeDiscoverer* f1 = one.get();
  FakeDiscoverer* f2 = two.get();
  manager_.StartProvider("node", std::move(one));
  manager_.StartProvider("node", std::move(two));
  manager_.StartProvider("other", std::make_unique<FakeDiscoverer>());
  // The same source from two providers is two groups; removing one keeps the other.
  f1->Push({Group("0", {"a:1"})});
  f2->Push({Group("0", {"b:1"})});
  f1->Push({Group("0", {})});
  ticker_.Tick();
  const auto jobs = syncs_.last();
  ASSERT_EQ(jobs.at("node").size(), 1u);
  EXPECT_EQ(jobs.at("node")[0].targets, (std::vector<Labels>{Labels{{"__address__", "b:1"}}}));
  EXPECT_TRUE(jobs.at("other").empty());
}

TEST_F(DiscoveryManagerTest, RefreshesAreCountedPerMechanismAndJob) {
  auto fake = std::make_unique<FakeDiscoverer>();
  FakeDiscoverer* f = fake.get();
  manager_.StartProvider("node", std::move(fake));
  f->Refreshed("http", 0.25, /*failed=*/true);
  f->Refreshed("http", 0.5, /*failed=*/true);
  f->Refreshed("http", 0.75, /*failed=*/false);
  const ManagerFigures figures = manager_.Figures();
  ASSERT_EQ(figures.refreshes.size(), 1u);
  const auto& r = figures.refreshes[0];
  EXPECT_EQ(r.mechanism, "http");
  EXPECT_EQ(r.config, "node");
  EXPECT_EQ(r.failures, 2u);
  auto d = r.duration->Snapshot({0.5}, std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  EXPECT_EQ(d.count, 3u);
  EXPECT_EQ(d.sum, 1.5);
  EXPECT_EQ(d.quantiles, std::vector<double>{0.5});
}

TEST_F(DiscoveryManagerTest, UpdatesReceivedAndSentAreCounted) {
  auto fake = std::make_unique<FakeDiscoverer>();
  FakeDiscoverer* f = fake.get();
  manager_.StartProvider("node", std::move(fake));
  f->Push({Group("0", {"a:1"})});
  f->Push({Group("1", {"b:1"})});
  EXPECT_EQ(manager_.Figures().received_updates, 2u);
  const uint64_t sent = manager_.Figures().sent_updates;
  ticker_.Tick();
  ticker_.Tick();  // nothing new: no second sync
  EXPECT_EQ(manager_.Figures().sent_updates, sent + 1);
}

SdConfigs Static(std::vector<TargetGroup> groups) {
  SdConfigs c;
  for (size_t i = 0; i < groups.size(); ++i) groups[i].source = std::to_string(i);
  c.static_groups = std::move(groups);
  return c;
}

TEST_F(DiscoveryManagerTest, ApplyConfigListsEveryJob) {
  manager_.ApplyConfig({{"node", Static({Group("", {"a:1"}), Group("", {"b:1"})})}, {"idle", SdConfigs{}}});
  ASSERT_TRUE(WaitForGroups(manager_, [](const auto& jobs) { return jobs.at("node").size() == 2; }));
  ticker_.Tick();
  const auto jobs = syncs_.last();
  EXPECT_EQ(Sources(jobs.at("node")), (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(jobs.count("idle"), 1u);  // a job without targets is still a job
  EXPECT_TRUE(jobs.at("idle").empty());

  // Dropping a job removes it from the next sync.
  manager_.ApplyConfig({{"idle", SdConfigs{}}});
  ticker_.Tick();
  EXPECT_EQ(syncs_.last().count("node"), 0u);
  EXPECT_EQ(syncs_.last().count("idle"), 1u);
}

TEST_F(DiscoveryManagerTest, UnchangedJobKeepsItsGroupsChangedJobReplacesThem) {
  const SdConfigs a = Static({Group("", {"a:1"})});
  manager_.ApplyConfig({{"node", a}});
  ASSERT_TRUE(WaitForGroups(manager_, [](const auto& jobs) { return jobs.at("node").size() == 1; }));
  manager_.ApplyConfig({{"node", a}});
  // Same provider, same groups, at once: nothing was restarted.
  EXPECT_EQ(manager_.AllGroups().at("node").size(), 1u);

  manager_.ApplyConfig({{"node", Static({Group("", {"z:1"}), Group("", {"y:1"})})}});
  ASSERT_TRUE(WaitForGroups(manager_, [](const auto& jobs) { return jobs.at("node").size() == 2; }));
  ticker_.Tick();
  const auto jobs = syncs_.last();
  const auto& groups = jobs.at("node");
  EXPECT_EQ(groups[0].targets, (std::vector<Labels>{Labels{{"__address__", "z:1"}}}));
}

TEST(DiscoveryManagerIntervalTest, SyncsOnItsOwnAfterTheInterval) {
  Syncs syncs;
  Manager manager(syncs.Fn(), ManagerOptions{20, nullptr, {}});
  auto fake = std::make_unique<FakeDiscoverer>();
  FakeDiscoverer* f = fake.get();
  manager.StartProvider("node", std::move(fake));
  f->Push({Group("a", {"a:1"})});
  std::unique_lock lock(syncs.mu);
  ASSERT_TRUE(syncs.cv.wait_for(lock, std::chrono::seconds(10), [&] { return !syncs.all.empty(); }));
  EXPECT_EQ(Sources(syncs.all.back().at("node")), std::vector<std::string>{"a"});
}

TEST(DiscoveryManagerFileSdTest, FileTargetsReachTheSync) {
  char tmpl[] = "/tmp/cairn_sd_manager_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  std::ofstream(dir + "/t.yml") << "- targets: ['a:1']\n";
  ManualTicker ticker;
  Syncs syncs;
  {
    Manager manager(syncs.Fn(), ManagerOptions{5000, &ticker, {}});
    SdConfigs cfg;
    cfg.file.push_back(FileSdConfig{{dir + "/*.yml"}, 3600 * 1000});
    manager.ApplyConfig({{"files", cfg}});
    ASSERT_TRUE(WaitForGroups(manager, [](const auto& jobs) { return jobs.at("files").size() == 1; }));
    ticker.Tick();
    const auto groups = syncs.last().at("files");
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].source, dir + "/t.yml:0");
    EXPECT_EQ(groups[0].labels.Get("__meta_filepath"), dir + "/t.yml");
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cairn::scrape::discovery
