// Which Alertmanagers a target group names, and at which URL, as upstream's
// AlertmanagerFromGroup and postPath decide.
#include "notifier/alertmanager_discovery.h"

#include <gtest/gtest.h>

namespace cairn::notifier {
namespace {

ingest::RelabelRule Rule(ingest::RelabelConfig cfg) { return ingest::RelabelRule::Make(std::move(cfg)).value(); }

scrape::discovery::TargetGroup Group(std::vector<storage::Labels> targets, storage::Labels labels = {}) {
  return {.source = "0", .targets = std::move(targets), .labels = std::move(labels)};
}

TEST(PostPathTest, JoinsAndCleansLikeGoPathJoin) {
  EXPECT_EQ(PostPath("", "v2"), "/api/v2/alerts");
  EXPECT_EQ(PostPath("/", "v2"), "/api/v2/alerts");
  EXPECT_EQ(PostPath("alertmanager", "v2"), "/alertmanager/api/v2/alerts");
  EXPECT_EQ(PostPath("/am/", "v2"), "/am/api/v2/alerts");
  EXPECT_EQ(PostPath("//a/./b/../c", "v2"), "/a/c/api/v2/alerts");
}

TEST(AlertmanagersFromGroupTest, SchemeAndPathFromTheConfigOverTheTargets) {
  AlertmanagerConfig cfg;
  cfg.scheme = "https";
  cfg.path_prefix = "/am";
  auto found = AlertmanagersFromGroup(
      Group({{{"__address__", "a:9093"}, {"__scheme__", "http"}}, {{"__address__", "b:9093"}, {"zone", "own"}}},
            {{"zone", "eu"}}),
      cfg);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->active.size(), 2u);
  EXPECT_EQ(AlertmanagerUrl(found->active[0]), "https://a:9093/am/api/v2/alerts");
  EXPECT_EQ(found->active[0].Get("zone"), "eu");
  EXPECT_EQ(AlertmanagerUrl(found->active[1]), "https://b:9093/am/api/v2/alerts");
  EXPECT_EQ(found->active[1].Get("zone"), "own");
  EXPECT_TRUE(found->dropped.empty());
}

TEST(AlertmanagersFromGroupTest, RelabelingDropsAndRewrites) {
  AlertmanagerConfig cfg;
  ingest::RelabelConfig keep;
  keep.action = ingest::RelabelAction::kKeep;
  keep.source_labels = {"__address__"};
  keep.regex = ingest::RelabelRegexp::Compile("a:.*").value();
  ingest::RelabelConfig path;
  path.target_label = "__alerts_path__";
  path.replacement = "/custom/alerts";
  cfg.relabel = {Rule(keep), Rule(path)};
  auto found = AlertmanagersFromGroup(Group({{{"__address__", "a:9093"}}, {{"__address__", "b:9093"}}}), cfg);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->active.size(), 1u);
  EXPECT_EQ(AlertmanagerUrl(found->active[0]), "http://a:9093/custom/alerts");
  ASSERT_EQ(found->dropped.size(), 1u);
  // Dropped ones are listed with their labels before relabeling.
  EXPECT_EQ(AlertmanagerUrl(found->dropped[0]), "http://b:9093/api/v2/alerts");
}

TEST(AlertmanagersFromGroupTest, AUrlAsAddressIsRejected) {
  auto found = AlertmanagersFromGroup(Group({{{"__address__", "http://a:9093/"}}}), AlertmanagerConfig{});
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().message(), "\"http://a:9093/\" is not a valid hostname");
}

}  // namespace
}  // namespace cairn::notifier
