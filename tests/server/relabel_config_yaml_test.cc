// Relabel rules read from YAML: defaults, each field's decoding, and the
// errors upstream's unmarshalling and validation give (the rule snippets are
// those of Prometheus' config/testdata/*.bad.yml).
#include "server/relabel_config_yaml.h"

#include <optional>

#include <gtest/gtest.h>

#include "ingest/relabel.h"

namespace cairn::server {
namespace {

using ingest::RelabelAction;
using storage::NameValidationScheme;

constexpr std::string_view kNullRule = "empty or null target relabeling rule in scrape config";

Result<std::vector<ingest::RelabelConfig>> Parse(const std::string& yaml) {
  return ParseRelabelConfigs(YAML::Load(yaml), kNullRule);
}

// The message of the first error from parsing then validating, "" if none.
std::string ErrorOf(const std::string& yaml, NameValidationScheme scheme = NameValidationScheme::kUtf8) {
  auto configs = Parse(yaml);
  if (!configs.ok()) return configs.status().message();
  auto rules = ingest::MakeRelabelRules(std::move(configs).value(), scheme);
  return rules.ok() ? "" : rules.status().message();
}

TEST(RelabelConfigYamlTest, OmittedFieldsKeepPrometheusDefaults) {
  auto c = Parse("- target_label: env\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->size(), 1u);
  const ingest::RelabelConfig& r = (*c)[0];
  EXPECT_TRUE(r.source_labels.empty());
  EXPECT_FALSE(r.source_labels_given);
  EXPECT_EQ(r.separator, ";");
  EXPECT_TRUE(r.regex.is_default());
  EXPECT_EQ(r.modulus, 0u);
  EXPECT_EQ(r.replacement, "$1");
  EXPECT_EQ(r.action, RelabelAction::kReplace);
}

TEST(RelabelConfigYamlTest, ReadsEveryField) {
  auto c = Parse(R"(
- source_labels: [__address__, "port"]
  separator: ':'
  regex: (.+)
  modulus: 8
  target_label: __tmp_hash
  replacement: x
  action: HashMod
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const ingest::RelabelConfig& r = (*c)[0];
  EXPECT_EQ(r.source_labels, (std::vector<std::string>{"__address__", "port"}));
  EXPECT_TRUE(r.source_labels_given);
  EXPECT_EQ(r.separator, ":");
  EXPECT_EQ(r.regex.pattern(), "(.+)");
  EXPECT_FALSE(r.regex.is_default());
  EXPECT_EQ(r.modulus, 8u);
  EXPECT_EQ(r.target_label, "__tmp_hash");
  EXPECT_EQ(r.replacement, "x");
  EXPECT_EQ(r.action, RelabelAction::kHashMod);
}

TEST(RelabelConfigYamlTest, NullAndEmptyValues) {
  auto c = Parse(R"(
- source_labels:
  separator:
  regex:
  replacement: ""
  target_label: t
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const ingest::RelabelConfig& r = (*c)[0];
  EXPECT_FALSE(r.source_labels_given);
  EXPECT_EQ(r.separator, "");
  // A null regex is the empty regex upstream, not the default.
  EXPECT_FALSE(r.regex.is_default());
  EXPECT_EQ(r.regex.pattern(), "");
  EXPECT_EQ(r.replacement, "");
  auto quoted_null = Parse("- target_label: t\n  replacement: \"null\"\n");
  ASSERT_TRUE(quoted_null.ok());
  EXPECT_EQ((*quoted_null)[0].replacement, "null");
  auto empty_list = Parse("- source_labels: []\n  action: labeldrop\n  regex: x\n");
  ASSERT_TRUE(empty_list.ok());
  EXPECT_TRUE((*empty_list)[0].source_labels_given);
}

TEST(RelabelConfigYamlTest, NonStringScalarsReadAsText) {
  auto c = Parse("- target_label: t\n  replacement: 42\n  separator: true\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ((*c)[0].replacement, "42");
  EXPECT_EQ((*c)[0].separator, "true");
}

TEST(RelabelConfigYamlTest, Modulus) {
  auto modulus = [](const std::string& v) -> std::string {
    auto c = Parse("- modulus: " + v + "\n");
    return c.ok() ? std::to_string((*c)[0].modulus) : c.status().message();
  };
  EXPECT_EQ(modulus("8"), "8");
  EXPECT_EQ(modulus("0x10"), "16");
  EXPECT_EQ(modulus("0o17"), "15");
  EXPECT_EQ(modulus("017"), "15");
  EXPECT_EQ(modulus("0b101"), "5");
  EXPECT_EQ(modulus("1_000"), "1000");
  EXPECT_EQ(modulus("18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(modulus("8.9"), "8");  // yaml.v2 truncates floats into integers
  EXPECT_EQ(modulus("1e3"), "1000");
  EXPECT_EQ(modulus("09"), "9");  // not octal, so read as a float
  EXPECT_EQ(modulus("-1"), "line 1: cannot unmarshal !!int `-1` into uint64");
  EXPECT_EQ(modulus("-1.5"), "line 1: cannot unmarshal !!float `-1.5` into uint64");
  EXPECT_EQ(modulus("abc"), "line 1: cannot unmarshal !!str `abc` into uint64");
  EXPECT_EQ(modulus("\"8\""), "line 1: cannot unmarshal !!str `8` into uint64");
  EXPECT_EQ(modulus("[8]"), "line 1: cannot unmarshal !!seq into uint64");
}

TEST(RelabelConfigYamlTest, UnmarshalErrors) {
  EXPECT_EQ(ErrorOf("- target_label: t\n  foo: bar\n"), "line 2: field foo not found in type relabel.plain");
  EXPECT_EQ(ErrorOf("- target_label: t\n  target_label: u\n"),
            "line 2: field target_label already set in type relabel.plain");
  EXPECT_EQ(ErrorOf("- regex: [a, b]\n"), "line 1: cannot unmarshal !!seq into string");
  EXPECT_EQ(ErrorOf("- source_labels: job\n"), "line 1: cannot unmarshal !!str `job` into model.LabelNames");
  EXPECT_EQ(ErrorOf("- source_labels: [\"\"]\n"), "\"\" is not a valid label name");
  EXPECT_EQ(ErrorOf("- action: Nope\n"), "unknown relabel action \"Nope\"");
  EXPECT_EQ(ErrorOf("- action: \"\"\n"), "unknown relabel action \"\"");
  EXPECT_EQ(ErrorOf("- just a string\n"), "line 1: cannot unmarshal !!str `just a ...` into relabel.plain");
  EXPECT_EQ(ErrorOf("target_label: t\n"), "line 1: cannot unmarshal !!map into []*relabel.Config");
  EXPECT_EQ(ErrorOf("- regex: abc(def\n").rfind("error parsing regexp: ", 0), 0u);  // regex.bad.yml
}

TEST(RelabelConfigYamlTest, NullEntries) {
  EXPECT_EQ(ErrorOf("-\n"), kNullRule);  // empty_target_relabel_config.bad.yml
  EXPECT_EQ(ParseRelabelConfigs(YAML::Load("- ~\n"), "empty or null relabeling rule in remote write config")
                .status()
                .message(),
            "empty or null relabeling rule in remote write config");
  // Every entry is unmarshalled before null ones are reported.
  EXPECT_EQ(ErrorOf("-\n- foo: 1\n"), "line 2: field foo not found in type relabel.plain");
  auto none = ParseRelabelConfigs(YAML::Node(), kNullRule);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto null_list = ParseRelabelConfigs(YAML::Load("~"), kNullRule);
  ASSERT_TRUE(null_list.ok());
  EXPECT_TRUE(null_list->empty());
}

TEST(RelabelConfigYamlTest, BinaryStrings) {
  // labelmap.bad.yml: "$1" is not base64.
  EXPECT_EQ(ErrorOf("- action: labelmap\n  replacement: !!binary \"/w==$1\"\n"),
            "line 2: !!binary value contains invalid base64 data");
  // Decoded, "/w==" is the byte 0xff: not a valid name for labelmap to write.
  EXPECT_EQ(ErrorOf("- action: labelmap\n  replacement: !!binary \"/w==\"\n"),
            "\"\\xff\" is invalid 'replacement' for labelmap action");
}

TEST(RelabelConfigYamlTest, ValidationErrorsOfUpstreamBadFiles) {
  EXPECT_EQ(ErrorOf("- regex: abcdef\n  action: hashmod\n"),
            "relabel configuration for hashmod requires non-zero modulus");
  EXPECT_EQ(ErrorOf("- regex: abcdef\n"),
            "relabel configuration for replace action requires 'target_label' value");
  EXPECT_EQ(ErrorOf("- source_labels: [__address__]\n  modulus: 8\n  action: hashmod\n"),
            "relabel configuration for hashmod action requires 'target_label' value");
  EXPECT_EQ(ErrorOf("- action: null\n"), "relabel action cannot be empty");
  const std::string labelkeep = "labelkeep action requires only 'regex', and no other fields";
  EXPECT_EQ(ErrorOf("- source_labels: [abcdef]\n  action: labelkeep\n"), labelkeep);
  EXPECT_EQ(ErrorOf("- modulus: 8\n  action: labelkeep\n"), labelkeep);
  EXPECT_EQ(ErrorOf("- separator: ','\n  action: labelkeep\n"), labelkeep);
  EXPECT_EQ(ErrorOf("- replacement: yolo-{1}\n  action: labelkeep\n"), labelkeep);
  EXPECT_EQ(ErrorOf("- target_label: yolo\n  action: labelkeep\n"), labelkeep);
  EXPECT_EQ(ErrorOf("- source_labels: []\n  action: labelkeep\n"), labelkeep);
  EXPECT_EQ(ErrorOf("- target_label: yolo\n  action: labeldrop\n"),
            "labeldrop action requires only 'regex', and no other fields");
  EXPECT_EQ(ErrorOf("- source_labels: [abcdef]\n  action: dropequal\n"),
            "relabel configuration for dropequal action requires 'target_label' value");
  EXPECT_EQ(ErrorOf("- source_labels: [abcdef]\n  action: dropequal\n  regex: foo\n  target_label: bar\n"),
            "dropequal action requires only 'source_labels' and `target_label`, and no other fields");
  EXPECT_EQ(ErrorOf("- source_labels: [abcdef]\n  action: keepequal\n  regex: foo\n  target_label: bar\n"),
            "keepequal action requires only 'source_labels' and `target_label`, and no other fields");
  EXPECT_EQ(ErrorOf("- source_labels: [a]\n  action: keepequal\n  regex: (.*)\n  target_label: bar\n"),
            "keepequal action requires only 'source_labels' and `target_label`, and no other fields");
  EXPECT_EQ(
      ErrorOf(
          "- action: lowercase\n  source_labels: [__name__]\n  target_label: __name__\n  replacement: bar\n"),
      "'replacement' can not be set for lowercase action");
  EXPECT_EQ(ErrorOf("- action: uppercase\n  source_labels: [__name__]\n"),
            "relabel configuration for uppercase action requires 'target_label' value");
  // The scheme decides which target names are valid.
  EXPECT_EQ(ErrorOf("- target_label: foo.bar\n"), "");
  EXPECT_EQ(ErrorOf("- target_label: foo.bar\n", NameValidationScheme::kLegacy),
            "\"foo.bar\" is invalid 'target_label' for replace action");
}

TEST(RelabelConfigYamlTest, ParsedRulesRun) {
  // A slice of a typical Kubernetes pod scrape config.
  auto configs = Parse(R"(
- source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
  regex: "false"
  action: drop
- source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
  target_label: __address__
  regex: (.+?)(\:\d+)?;(\d+)
  replacement: $1:$3
- regex: __meta_kubernetes_pod_label_(.+)
  action: labelmap
- source_labels: [__address__]
  target_label: __tmp_hash
  modulus: 3
  action: hashmod
- source_labels: [__tmp_hash]
  regex: ^2$
  action: keep
- regex: __tmp_hash|__meta_.*
  action: labeldrop
)");
  ASSERT_TRUE(configs.ok()) << configs.status().message();
  auto rules = ingest::MakeRelabelRules(std::move(configs).value(), NameValidationScheme::kUtf8);
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  // md5("10.0.0.1:9100") mod 3 is 2, so this target is this shard's.
  ingest::RelabelResult r =
      ingest::Process(storage::Labels{{"__address__", "10.0.0.1:80"},
                                      {"__meta_kubernetes_pod_annotation_prometheus_io_port", "9100"},
                                      {"__meta_kubernetes_pod_label_app", "web"},
                                      {"job", "pods"}},
                      *rules);
  ASSERT_TRUE(r.keep);
  EXPECT_EQ(r.labels, (storage::Labels{{"__address__", "10.0.0.1:9100"}, {"app", "web"}, {"job", "pods"}}));
}

// Rules and results of a run of Debian's Prometheus 2.42 over static targets
// (/api/v1/targets: discoveredLabels in, labels out without `__` labels and
// `instance`). Its one difference from 3.x, `.` not matching a newline, is
// left out.
TEST(RelabelConfigYamlTest, MatchesWhatPrometheusComputed) {
  auto configs = Parse(R"(
- source_labels: [__address__]
  target_label: r_hash7
  modulus: 7
  action: hashmod
- source_labels: [__address__, v]
  target_label: r_hash1000
  modulus: 1000
  action: hashmod
- source_labels: [v]
  regex: (\w+)-(\w+)
  target_label: r_${1}
  replacement: $2
- source_labels: [v]
  regex: (a)(b)?(.*)
  target_label: r_tpl
  replacement: "[$1][$2][$3][$1x][${1}x][$$][$10][$][${3}_${0}]"
- source_labels: [v, missing, w]
  separator: "|"
  target_label: r_join
- source_labels: [v]
  target_label: r_lower
  action: lowercase
- source_labels: [v]
  target_label: r_upper
  action: uppercase
- source_labels: [v]
  target_label: w
  action: dropequal
- source_labels: [v]
  regex: dropme.*
  action: drop
- regex: m_(.+)
  replacement: mm_$1
  action: labelmap
- regex: m_.*
  action: labeldrop
- source_labels: [nope]
  target_label: w
- source_labels: [v]
  regex: "(?i)KEEP.*|a.*|x.*|.*ß.*|İ.*|line.*|.*-.*"
  action: keep
)");
  ASSERT_TRUE(configs.ok()) << configs.status().message();
  auto rules = ingest::MakeRelabelRules(std::move(configs).value(), NameValidationScheme::kLegacy);
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  const std::vector<std::pair<storage::Labels, std::optional<storage::Labels>>> cases = {
      {storage::Labels{{"__address__", "10.0.0.1:9100"},
                       {"__metrics_path__", "/metrics"},
                       {"__scheme__", "http"},
                       {"__scrape_interval__", "1h"},
                       {"__scrape_timeout__", "10s"},
                       {"job", "x"},
                       {"m_one", "1"},
                       {"v", "abc"},
                       {"w", "w1"}},
       storage::Labels{{"job", "x"},
                       {"mm_one", "1"},
                       {"r_hash1000", "572"},
                       {"r_hash7", "2"},
                       {"r_join", "abc||w1"},
                       {"r_lower", "abc"},
                       {"r_tpl", "[a][b][c][][ax][$][][$][c_abc]"},
                       {"r_upper", "ABC"},
                       {"v", "abc"}}},
      {storage::Labels{{"__address__", "10.0.0.3:9100"},
                       {"__metrics_path__", "/metrics"},
                       {"__scheme__", "http"},
                       {"__scrape_interval__", "1h"},
                       {"__scrape_timeout__", "10s"},
                       {"job", "x"},
                       {"m_x", "2"},
                       {"m_y", "3"},
                       {"v", "foo-bar"}},
       storage::Labels{{"job", "x"},
                       {"mm_x", "2"},
                       {"mm_y", "3"},
                       {"r_foo", "bar"},
                       {"r_hash1000", "311"},
                       {"r_hash7", "5"},
                       {"r_join", "foo-bar||"},
                       {"r_lower", "foo-bar"},
                       {"r_upper", "FOO-BAR"},
                       {"v", "foo-bar"}}},
      {storage::Labels{{"__address__", "[::1]:9090"},
                       {"__metrics_path__", "/metrics"},
                       {"__scheme__", "http"},
                       {"__scrape_interval__", "1h"},
                       {"__scrape_timeout__", "10s"},
                       {"job", "x"},
                       {"v", "xKy"}},
       storage::Labels{{"job", "x"},
                       {"r_hash1000", "479"},
                       {"r_hash7", "3"},
                       {"r_join", "xKy||"},
                       {"r_lower", "xky"},
                       {"r_upper", "XKY"},
                       {"v", "xKy"}}},
      {storage::Labels{{"__address__", "10.0.0.10:9100"},
                       {"__metrics_path__", "/metrics"},
                       {"__scheme__", "http"},
                       {"__scrape_interval__", "1h"},
                       {"__scrape_timeout__", "10s"},
                       {"job", "x"},
                       {"v", "a"}},
       storage::Labels{{"job", "x"},
                       {"r_hash1000", "236"},
                       {"r_hash7", "3"},
                       {"r_join", "a||"},
                       {"r_lower", "a"},
                       {"r_tpl", "[a][][][][ax][$][][$][_a]"},
                       {"r_upper", "A"},
                       {"v", "a"}}},
      {storage::Labels{{"__address__", "host.example:80"},
                       {"__metrics_path__", "/metrics"},
                       {"__scheme__", "http"},
                       {"__scrape_interval__", "1h"},
                       {"__scrape_timeout__", "10s"},
                       {"job", "x"},
                       {"v", "Straße İstanbul ǅ ÿ"},
                       {"w", "x"}},
       storage::Labels{{"job", "x"},
                       {"r_hash1000", "48"},
                       {"r_hash7", "3"},
                       {"r_join", "Straße İstanbul ǅ ÿ||x"},
                       {"r_lower", "straße istanbul ǆ ÿ"},
                       {"r_upper", "STRAßE İSTANBUL Ǆ Ÿ"},
                       {"v", "Straße İstanbul ǅ ÿ"}}},
      {storage::Labels{{"__address__", "10.0.0.6:9100"},
                       {"__metrics_path__", "/metrics"},
                       {"__scheme__", "http"},
                       {"__scrape_interval__", "1h"},
                       {"__scrape_timeout__", "10s"},
                       {"job", "x"},
                       {"v", "KEEPme"}},
       storage::Labels{{"job", "x"},
                       {"r_hash1000", "381"},
                       {"r_hash7", "4"},
                       {"r_join", "KEEPme||"},
                       {"r_lower", "keepme"},
                       {"r_upper", "KEEPME"},
                       {"v", "KEEPme"}}},
      {storage::Labels{{"__address__", "10.0.0.2:9100"},
                       {"__metrics_path__", "/metrics"},
                       {"__scheme__", "http"},
                       {"__scrape_interval__", "1h"},
                       {"__scrape_timeout__", "10s"},
                       {"job", "x"},
                       {"v", "ab"},
                       {"w", "ab"}},
       std::nullopt},
      {storage::Labels{{"__address__", "10.0.0.5:9100"},
                       {"__metrics_path__", "/metrics"},
                       {"__scheme__", "http"},
                       {"__scrape_interval__", "1h"},
                       {"__scrape_timeout__", "10s"},
                       {"job", "x"},
                       {"v", "dropme please"}},
       std::nullopt},
      {storage::Labels{{"__address__", "10.0.0.7:9100"},
                       {"__metrics_path__", "/metrics"},
                       {"__scheme__", "http"},
                       {"__scrape_interval__", "1h"},
                       {"__scrape_timeout__", "10s"},
                       {"job", "x"},
                       {"v", "nomatch"}},
       std::nullopt},
  };
  for (const auto& [discovered, want] : cases) {
    SCOPED_TRACE(discovered.ToString());
    ingest::RelabelResult r = ingest::Process(discovered, *rules);
    ASSERT_EQ(r.keep, want.has_value());
    if (!want) continue;
    std::vector<storage::Label> visible;
    for (const storage::Label& l : r.labels)
      if (l.name.rfind("__", 0) != 0) visible.push_back(l);
    EXPECT_EQ(storage::Labels::FromSorted(visible), *want) << r.labels.ToString();
  }
}

}  // namespace
}  // namespace cairn::server
