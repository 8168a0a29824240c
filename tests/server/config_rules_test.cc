// prometheus.yml's rule sections: rule_files patterns (relative to the config
// file's directory, `*` only in the last segment), their glob expansion, and
// global.rule_query_offset.
#include "server/config_rules.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/config.h"

namespace cairn::server {
namespace {

TEST(ConfigRulesTest, RelativePatternsJoinTheConfigDirectory) {
  auto cfg = ParseConfig("rule_files:\n  - rules/*.yml\n  - /etc/abs.yml\n", "/etc/cairn");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->rule_files, (std::vector<std::string>{"/etc/cairn/rules/*.yml", "/etc/abs.yml"}));
  EXPECT_FALSE(cfg->rule_query_offset_ms.has_value());
}

TEST(ConfigRulesTest, RuleQueryOffset) {
  auto cfg = ParseConfig("global:\n  rule_query_offset: 30s\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->rule_query_offset_ms, 30'000);
}

TEST(ConfigRulesTest, StarOnlyInTheLastSegment) {
  auto cfg = ParseConfig("rule_files:\n  - 'rules/*/a.yml'\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().message(), "invalid rule file path \"rules/*/a.yml\"");
  EXPECT_FALSE(ParseConfig("rule_files: a.yml\n").ok());
}

TEST(ConfigRulesTest, ExpandMatchesFilesSortedOnce) {
  auto dir = std::filesystem::temp_directory_path() / ("cairn_config_rules_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const char* f : {"b.yml", "a.yml", "c.txt"}) std::ofstream((dir / f).string()) << "groups: []\n";
  const std::string d = dir.string();
  auto files = ExpandRuleFiles({d + "/*.yml", d + "/a.yml", d + "/missing.yml"});
  EXPECT_EQ(files, (std::vector<std::string>{d + "/a.yml", d + "/b.yml"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cairn::server
