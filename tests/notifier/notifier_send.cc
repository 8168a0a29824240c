// notifier_send: sends one alert through notifier::Manager to the
// Alertmanagers of a prometheus.yml, the way Cairn's server configures it
// (server::ParseConfig: alerting section, external labels), then stops the
// Manager, which drains its queues. The integration test
// tests/integration/alertmanager_notifier.py drives real Alertmanager with it
// until Cairn evaluates rules itself.
//
//   notifier_send --config=prometheus.yml --labels=alertname=Down,severity=page \
//       --annotations=summary=down --starts-at-ms=... --ends-at-ms=... [--generator-url=...]
//
// Prints the figures of every Alertmanager; exits 0 when every discovered
// Alertmanager accepted the alert, 1 otherwise, 2 on bad arguments.
#include <cstdio>
#include <map>
#include <string>
#include <thread>

#include "notifier/manager.h"
#include "server/config.h"

namespace {

using namespace cairn;

storage::Labels ParsePairs(const std::string& text) {
  std::vector<storage::Label> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string pair = text.substr(pos, comma - pos);
    size_t eq = pair.find('=');
    if (eq != std::string::npos) out.push_back({pair.substr(0, eq), pair.substr(eq + 1)});
    pos = comma + 1;
  }
  return storage::Labels::FromUnsorted(std::move(out));
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    size_t eq = a.find('=');
    if (a.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::fprintf(stderr, "notifier_send: expected --name=value, got %s\n", a.c_str());
      return 2;
    }
    args[a.substr(2, eq - 2)] = a.substr(eq + 1);
  }
  if (!args.count("config") || !args.count("labels")) {
    std::fprintf(stderr, "notifier_send: --config and --labels are required\n");
    return 2;
  }
  auto cfg = server::LoadConfigFile(args["config"]);
  if (!cfg.ok()) {
    std::fprintf(stderr, "notifier_send: %s\n", cfg.status().ToString().c_str());
    return 2;
  }
  notifier::ManagerOptions options;
  options.discovery.update_interval_ms = 100;
  notifier::Manager manager(options);
  if (cairn::Status st = manager.ApplyConfig(cfg->alerting, cfg->external_labels); !st.ok()) {
    std::fprintf(stderr, "notifier_send: %s\n", st.ToString().c_str());
    return 1;
  }
  for (int i = 0; i < 100 && manager.ActiveAlertmanagers().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (manager.ActiveAlertmanagers().empty()) {
    std::fprintf(stderr, "notifier_send: no Alertmanager discovered\n");
    return 1;
  }
  notifier::Alert alert;
  alert.labels = ParsePairs(args["labels"]);
  alert.annotations = ParsePairs(args["annotations"]);
  alert.starts_at_ms = args.count("starts-at-ms") ? std::stoll(args["starts-at-ms"]) : 0;
  alert.ends_at_ms = args.count("ends-at-ms") ? std::stoll(args["ends-at-ms"]) : 0;
  alert.generator_url = args["generator-url"];
  manager.Send({alert});
  manager.Stop(std::chrono::seconds(10));
  bool all_ok = true;
  for (const auto& f : manager.Collect().alertmanagers) {
    std::printf("%s sent=%llu errors=%llu dropped=%llu last_error=%s\n", f.url.c_str(),
                static_cast<unsigned long long>(f.sent), static_cast<unsigned long long>(f.errors),
                static_cast<unsigned long long>(f.dropped), f.last_error.c_str());
    all_ok = all_ok && f.sent == 1 && f.errors == 0;
  }
  return all_ok ? 0 : 1;
}
