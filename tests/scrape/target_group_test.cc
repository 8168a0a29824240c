// TargetGroup parsing: the {targets, labels} form shared by static_configs,
// file_sd and http_sd, in YAML and in JSON with encoding/json's typing.
#include "scrape/discovery/target_group.h"

#include <gtest/gtest.h>

namespace cairn::scrape::discovery {
namespace {

using storage::Labels;

TEST(TargetGroupTest, YamlTargetsBecomeAddresses) {
  auto groups = ParseTargetGroupsText(R"(
- targets: ['a:9100', 'b:9100']
  labels:
    env: prod
    team: db
- targets: []
)",
                                      GroupSyntax::kYaml);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 2u);
  const TargetGroup& g = (*groups)[0];
  EXPECT_EQ(g.targets, (std::vector<Labels>{Labels{{"__address__", "a:9100"}}, Labels{{"__address__", "b:9100"}}}));
  EXPECT_EQ(g.labels, (Labels{{"env", "prod"}, {"team", "db"}}));
  EXPECT_TRUE((*groups)[1].targets.empty());
}

TEST(TargetGroupTest, JsonGroups) {
  auto groups = ParseTargetGroupsText(
      R"([{"targets":["10.0.0.1:80"],"labels":{"job_hint":"x","utf":"caf\u00e9"}},{"targets":["h:1"]}])",
      GroupSyntax::kJson);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].labels, (Labels{{"job_hint", "x"}, {"utf", "caf\xc3\xa9"}}));
  EXPECT_EQ((*groups)[1].targets, (std::vector<Labels>{Labels{{"__address__", "h:1"}}}));
}

TEST(TargetGroupTest, EmptyDocumentIsNoGroups) {
  auto yaml = ParseTargetGroupsText("", GroupSyntax::kYaml);
  ASSERT_TRUE(yaml.ok());
  EXPECT_TRUE(yaml->empty());
  auto json = ParseTargetGroupsText("[]", GroupSyntax::kJson);
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(json->empty());
}

TEST(TargetGroupTest, JsonTypingIsStrict) {
  EXPECT_EQ(ParseTargetGroupsText(R"([{"targets":[80]}])", GroupSyntax::kJson).status().message(),
            "json: cannot unmarshal 80 into Go struct field targets of type string");
  EXPECT_EQ(ParseTargetGroupsText(R"([{"targets":["a:1"],"extra":1}])", GroupSyntax::kJson).status().message(),
            "json: unknown field \"extra\"");
  EXPECT_EQ(ParseTargetGroupsText("{}", GroupSyntax::kJson).status().message(),
            "json: expected an array of target groups");
  EXPECT_EQ(ParseTargetGroupsText("[null]", GroupSyntax::kJson).status().message(), "nil target group item found");
  EXPECT_FALSE(ParseTargetGroupsText(R"([{"targets": ["a:1"])", GroupSyntax::kJson).ok());
}

TEST(TargetGroupTest, YamlRejectsUnknownFieldsAndBadLabelNames) {
  EXPECT_EQ(ParseTargetGroupsText("- targets: [a]\n  lables: {x: y}\n", GroupSyntax::kYaml).status().message(),
            "line 2: field lables not found in type targetgroup.Group");
  EXPECT_EQ(ParseTargetGroupsText("- labels: {'': y}\n", GroupSyntax::kYaml).status().message(),
            "line 1: \"\" is not a valid label name");
  EXPECT_EQ(ParseTargetGroupsText("- targets: a\n", GroupSyntax::kYaml).status().message(),
            "line 1: targets must be a list of strings");
}

}  // namespace
}  // namespace cairn::scrape::discovery
