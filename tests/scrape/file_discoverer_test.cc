// file_sd: JSON and YAML files, sources and __meta_filepath, changed,
// shrunk, removed and broken files, and change notification while running.
#include "scrape/discovery/file_discoverer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/scrape/recording_sink.h"

namespace cairn::scrape::discovery {
namespace {

namespace fs = std::filesystem;
using storage::Labels;

class FileDiscovererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cairn_file_sd_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  // Writes through a rename, as config management does, so a reader never
  // sees half a file.
  void Write(const std::string& name, const std::string& content) const {
    const std::string tmp = Path("." + name + ".tmp");
    std::ofstream(tmp) << content;
    fs::rename(tmp, Path(name));
  }
  FileDiscoverer New() const {
    return FileDiscoverer(FileSdConfig{{Path("*.json"), Path("*.yml")}, 3600 * 1000});
  }

  std::string dir_;
};

const TargetGroup* Find(const std::vector<TargetGroup>& groups, const std::string& source) {
  for (const auto& g : groups) {
    if (g.source == source) return &g;
  }
  return nullptr;
}

TEST_F(FileDiscovererTest, ReadsJsonAndYamlFiles) {
  Write("a.json", R"([{"targets":["a:1","b:1"],"labels":{"env":"prod"}},{"targets":["c:1"]}])");
  Write("b.yml", "- targets: ['d:1']\n  labels: {team: db}\n");
  Write("ignored.txt", "not a target file");
  FileDiscoverer d = New();
  RefreshResult r = d.Refresh();
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.groups.size(), 3u);
  const TargetGroup* a0 = Find(r.groups, Path("a.json") + ":0");
  ASSERT_NE(a0, nullptr);
  EXPECT_EQ(a0->targets, (std::vector<Labels>{Labels{{"__address__", "a:1"}}, Labels{{"__address__", "b:1"}}}));
  EXPECT_EQ(a0->labels, (Labels{{"__meta_filepath", Path("a.json")}, {"env", "prod"}}));
  ASSERT_NE(Find(r.groups, Path("a.json") + ":1"), nullptr);
  const TargetGroup* b0 = Find(r.groups, Path("b.yml") + ":0");
  ASSERT_NE(b0, nullptr);
  EXPECT_EQ(b0->labels, (Labels{{"__meta_filepath", Path("b.yml")}, {"team", "db"}}));
}

TEST_F(FileDiscovererTest, ChangedFileReplacesItsGroupsAndDropsTheSurplus) {
  Write("a.json", R"([{"targets":["a:1"]},{"targets":["b:1"]}])");
  FileDiscoverer d = New();
  ASSERT_EQ(d.Refresh().groups.size(), 2u);
  Write("a.json", R"([{"targets":["z:1"]}])");
  RefreshResult r = d.Refresh();
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(Find(r.groups, Path("a.json") + ":0")->targets, (std::vector<Labels>{Labels{{"__address__", "z:1"}}}));
  const TargetGroup* gone = Find(r.groups, Path("a.json") + ":1");
  ASSERT_NE(gone, nullptr);
  EXPECT_TRUE(gone->targets.empty());
  // Sent once: the next refresh has nothing more to remove.
  EXPECT_EQ(d.Refresh().groups.size(), 1u);
}

TEST_F(FileDiscovererTest, RemovedFileGroupsVanish) {
  Write("a.json", R"([{"targets":["a:1"]}])");
  Write("b.yml", "- targets: ['b:1']\n- targets: ['c:1']\n");
  FileDiscoverer d = New();
  ASSERT_EQ(d.Refresh().groups.size(), 3u);
  fs::remove(Path("b.yml"));
  RefreshResult r = d.Refresh();
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_FALSE(Find(r.groups, Path("a.json") + ":0")->targets.empty());
  EXPECT_TRUE(Find(r.groups, Path("b.yml") + ":0")->targets.empty());
  EXPECT_TRUE(Find(r.groups, Path("b.yml") + ":1")->targets.empty());
}

TEST_F(FileDiscovererTest, BrokenFileKeepsItsLastGroups) {
  Write("a.json", R"([{"targets":["a:1"]},{"targets":["b:1"]}])");
  FileDiscoverer d = New();
  ASSERT_EQ(d.Refresh().groups.size(), 2u);
  Write("a.json", R"([{"targets":["a:1"]},)");
  RefreshResult broken = d.Refresh();
  ASSERT_EQ(broken.errors.size(), 1u);
  EXPECT_NE(broken.errors[0].message().find(Path("a.json")), std::string::npos) << broken.errors[0].message();
  // Neither new groups nor removals: the manager keeps what it had.
  EXPECT_TRUE(broken.groups.empty());
  Write("a.json", R"([{"targets":["c:1"]}])");
  RefreshResult fixed = d.Refresh();
  EXPECT_TRUE(fixed.errors.empty());
  ASSERT_EQ(fixed.groups.size(), 2u);  // the new group 0 and the removal of group 1
  EXPECT_TRUE(Find(fixed.groups, Path("a.json") + ":1")->targets.empty());
}

TEST_F(FileDiscovererTest, WrongTypesInYamlFileAreErrors) {
  Write("a.yml", "- targets: ['a:1']\n  labelz: {}\n");
  FileDiscoverer d = New();
  RefreshResult r = d.Refresh();
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message(), Path("a.yml") + ": line 2: field labelz not found in type targetgroup.Group");
}

TEST_F(FileDiscovererTest, RunNoticesNewAndChangedFiles) {
  Write("a.json", R"([{"targets":["a:1"]}])");
  FileDiscoverer d = New();  // refresh_interval 1h: only inotify can explain a second update
  testing::RecordingSink sink;
  std::jthread runner([&](std::stop_token stop) { d.Run(stop, sink); });
  ASSERT_TRUE(sink.WaitForUpdates(1));
  EXPECT_EQ(sink.updates()[0].size(), 1u);
  // Whether an update from the `from`-th on holds source c.json:0 with
  // (`present`) or without targets.
  const auto saw_c = [&](size_t from, bool present) {
    return sink.WaitUntil([&](const auto& updates, const auto&) {
      for (size_t i = from; i < updates.size(); ++i) {
        const TargetGroup* c = Find(updates[i], Path("c.json") + ":0");
        if (c != nullptr && c->targets.empty() != present) return true;
      }
      return false;
    });
  };
  size_t seen = sink.updates().size();
  Write("c.json", R"([{"targets":["c:1"]}])");
  ASSERT_TRUE(saw_c(seen, true));
  seen = sink.updates().size();
  fs::remove(Path("c.json"));
  ASSERT_TRUE(saw_c(seen, false));
  runner.request_stop();
  runner.join();  // Run returns promptly on stop
}

}  // namespace
}  // namespace cairn::scrape::discovery
