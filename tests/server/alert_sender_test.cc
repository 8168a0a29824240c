// The rule engine's alerts reach an Alertmanager through the server's
// adapter and the notifier, unchanged but for external labels.
#include "server/alert_sender.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <thread>

#include "tests/scrape/recording_http_server.h"

namespace cairn::server {
namespace {

TEST(AlertSenderTest, OutgoingAlertsArePostedAsNotifierAlerts) {
  cairn::testing::RecordingServer am;
  notifier::ManagerOptions options;
  options.discovery.update_interval_ms = 20;
  notifier::Manager manager(options);
  auto set = std::make_shared<notifier::AlertmanagerConfig>();
  scrape::discovery::TargetGroup group;
  group.source = "0";
  group.targets = {{{"__address__", "127.0.0.1:" + std::to_string(am.port())}}};
  set->discovery.static_groups = {group};
  ASSERT_TRUE(manager.ApplyConfig({.alertmanagers = {set}}, {{"cluster", "c1"}}).ok());
  for (int i = 0; i < 500 && manager.ActiveAlertmanagers().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(manager.ActiveAlertmanagers().size(), 1u);

  AlertSender sender(manager);
  rules::AlertSender& seam = sender;
  seam.Send({rules::OutgoingAlert{.labels = {{"alertname", "HighLatency"}, {"severity", "warning"}},
                                  .annotations = {{"summary", "p99 above 1s"}},
                                  .starts_at_ms = 1765098900000,
                                  .ends_at_ms = 1765099080000,
                                  .generator_url = "http://cairn:9090/graph?g0.expr=x&g0.tab=1"}});
  ASSERT_TRUE(am.WaitForRequests(1));
  YAML::Node alerts = YAML::Load(am.requests().at(0).body);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["labels"]["alertname"].as<std::string>(), "HighLatency");
  EXPECT_EQ(alerts[0]["labels"]["severity"].as<std::string>(), "warning");
  EXPECT_EQ(alerts[0]["labels"]["cluster"].as<std::string>(), "c1");
  EXPECT_EQ(alerts[0]["annotations"]["summary"].as<std::string>(), "p99 above 1s");
  EXPECT_EQ(alerts[0]["startsAt"].as<std::string>(), "2025-12-07T09:15:00.000Z");
  EXPECT_EQ(alerts[0]["endsAt"].as<std::string>(), "2025-12-07T09:18:00.000Z");
  EXPECT_EQ(alerts[0]["generatorURL"].as<std::string>(), "http://cairn:9090/graph?g0.expr=x&g0.tab=1");
}

}  // namespace
}  // namespace cairn::server
