// Alerts as Alertmanager's v2 API receives them, and the relabeling every
// alert goes through before it is queued.
#include "notifier/alert.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "ingest/relabel_config.h"
#include "notifier/alert_json.h"

namespace cairn::notifier {
namespace {

AlertPtr MakeAlert(storage::Labels labels, storage::Labels annotations = {}) {
  return std::make_shared<const Alert>(Alert{.labels = std::move(labels),
                                             .annotations = std::move(annotations),
                                             .starts_at_ms = 1765098900123,
                                             .ends_at_ms = 1765099200000,
                                             .generator_url = "http://cairn:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1"});
}

ingest::RelabelRule Rule(ingest::RelabelConfig cfg) { return ingest::RelabelRule::Make(std::move(cfg)).value(); }

TEST(AlertJsonTest, DateTimeIsRfc3339InUtcWithMilliseconds) {
  EXPECT_EQ(FormatDateTime(1765098900123), "2025-12-07T09:15:00.123Z");
  EXPECT_EQ(FormatDateTime(1765099200000), "2025-12-07T09:20:00.000Z");
  EXPECT_EQ(FormatDateTime(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatDateTime(0), "0001-01-01T00:00:00.000Z");  // Go's zero time: unset
}

TEST(AlertJsonTest, PostableAlertsInGoFieldOrder) {
  std::vector<AlertPtr> alerts = {
      MakeAlert({{"alertname", "Down"}, {"job", "node"}}, {{"summary", "node \"a\" down"}}),
      std::make_shared<const Alert>(Alert{.labels = {{"alertname", "Bare"}}})};
  EXPECT_EQ(AlertsToJson(alerts),
            "[{\"annotations\":{\"summary\":\"node \\\"a\\\" down\"},\"endsAt\":\"2025-12-07T09:20:00.000Z\","
            "\"startsAt\":\"2025-12-07T09:15:00.123Z\","
            "\"generatorURL\":\"http://cairn:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1\","
            "\"labels\":{\"alertname\":\"Down\",\"job\":\"node\"}},"
            "{\"endsAt\":\"0001-01-01T00:00:00.000Z\",\"startsAt\":\"0001-01-01T00:00:00.000Z\","
            "\"labels\":{\"alertname\":\"Bare\"}}]");
  // And it is JSON a parser reads back.
  YAML::Node parsed = YAML::Load(AlertsToJson(alerts));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["labels"]["job"].as<std::string>(), "node");
  EXPECT_EQ(parsed[0]["annotations"]["summary"].as<std::string>(), "node \"a\" down");
}

TEST(RelabelAlertsTest, ExternalLabelsFillOnlyWhatIsMissing) {
  std::vector<AlertPtr> alerts = {MakeAlert({{"alertname", "A"}, {"cluster", "own"}}),
                                  MakeAlert({{"alertname", "B"}, {"cluster", ""}})};
  auto out = RelabelAlerts(alerts, {{"cluster", "eu1"}, {"replica", "r1"}}, {});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]->labels, (storage::Labels{{"alertname", "A"}, {"cluster", "own"}, {"replica", "r1"}}));
  EXPECT_EQ(out[1]->labels, (storage::Labels{{"alertname", "B"}, {"cluster", "eu1"}, {"replica", "r1"}}));
  EXPECT_EQ(out[0]->annotations, alerts[0]->annotations);
  EXPECT_EQ(out[0]->starts_at_ms, alerts[0]->starts_at_ms);
}

TEST(RelabelAlertsTest, RulesSeeExternalLabelsAndMayDrop) {
  ingest::RelabelConfig drop;
  drop.action = ingest::RelabelAction::kDrop;
  drop.source_labels = {"severity"};
  drop.regex = ingest::RelabelRegexp::Compile("info").value();
  ingest::RelabelConfig copy;
  copy.source_labels = {"replica"};
  copy.target_label = "origin";
  std::vector<ingest::RelabelRule> rules = {Rule(drop), Rule(copy)};
  std::vector<AlertPtr> alerts = {MakeAlert({{"alertname", "A"}, {"severity", "info"}}),
                                  MakeAlert({{"alertname", "B"}, {"severity", "page"}})};
  auto out = RelabelAlerts(alerts, {{"replica", "r1"}}, rules);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->labels,
            (storage::Labels{{"alertname", "B"}, {"origin", "r1"}, {"replica", "r1"}, {"severity", "page"}}));
}

TEST(RelabelAlertsTest, UnchangedAlertsAreSharedNotCopied) {
  std::vector<AlertPtr> alerts = {MakeAlert({{"alertname", "A"}})};
  auto out = RelabelAlerts(alerts, {}, {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].get(), alerts[0].get());
}

}  // namespace
}  // namespace cairn::notifier
