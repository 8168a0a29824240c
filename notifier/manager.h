// Manager: Prometheus' notifier.Manager — sends the rule manager's alerts to
// every discovered Alertmanager.
//
//   notifier::Manager notifier({.queue = {.capacity = flags.queue_capacity}});
//   CAIRN_RETURN_IF_ERROR(notifier.ApplyConfig(cfg.alerting, cfg.external_labels));  // start, reload
//   notifier.Send(alerts);                   // from rule evaluation
//   notifier.Stop(std::chrono::seconds(5));  // after the rule manager stopped
//
// Each `alertmanagers` entry is a set, discovered through scrape/discovery
// (static_configs, file_sd_configs, ...) under the key "config-<index>" and
// relabeled by its relabel_configs (notifier/alertmanager_discovery.h); every
// distinct Alertmanager URL of a set gets its own SendLoop (queue, batches,
// POSTs). Send applies external labels and alerting.alert_relabel_configs
// once, then each set's alert_relabel_configs, and queues the result on every
// Alertmanager of the set.
//
// Thread-safety: every method may be called from any thread. Discovery
// updates arrive on the discovery manager's thread.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "notifier/alert.h"
#include "notifier/alertmanager_config.h"
#include "notifier/send_loop.h"
#include "scrape/discovery/manager.h"
#include "storage/labels.h"
#include "util/status.h"

namespace cairn::notifier {

struct ManagerOptions {
  QueueOptions queue;
  // How Alertmanagers are discovered; update_interval_ms (5s, upstream's
  // updatert) bounds how soon a new Alertmanager receives alerts.
  scrape::discovery::ManagerOptions discovery;
};

// The prometheus_notifications_* figures.
struct NotifierFigures {
  size_t queue_capacity = 0;            // prometheus_notifications_queue_capacity
  size_t alertmanagers_discovered = 0;  // prometheus_notifications_alertmanagers_discovered
  std::vector<AlertmanagerFigures> alertmanagers;  // by URL
};

class Manager {
 public:
  explicit Manager(ManagerOptions options = {});
  ~Manager();  // Stop() without draining
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Makes `config` and `external_labels` current. Each entry's HTTP client is
  // built first, so an error (an unreadable CA file: InvalidArgument or
  // IOError) leaves the previous configuration in force. An entry whose
  // fingerprint is unchanged keeps its discovered Alertmanagers and queues;
  // the others get theirs at the next discovery update. Internal after Stop.
  Status ApplyConfig(const AlertingConfig& config, const storage::Labels& external_labels);

  // Queues `alerts` for every Alertmanager (see above). Ignored after Stop.
  void Send(std::vector<Alert> alerts);

  // The URLs of the Alertmanagers alerts go to, and of those relabeling
  // dropped, in configuration order (for /api/v1/alertmanagers).
  std::vector<std::string> ActiveAlertmanagers() const;
  std::vector<std::string> DroppedAlertmanagers() const;

  NotifierFigures Collect() const;

  // Stops discovery, then every SendLoop: with drain_on_shutdown queued
  // alerts are still sent until `drain_timeout` has passed (a POST in flight
  // runs to its own timeout). Idempotent.
  void Stop(std::chrono::milliseconds drain_timeout = std::chrono::milliseconds(0));

 private:
  struct Set {
    std::shared_ptr<const AlertmanagerConfig> config;
    std::shared_ptr<const scrape::http::Client> client;
    std::vector<storage::Labels> active;   // distinct URLs, discovery order
    std::vector<storage::Labels> dropped;
    std::map<std::string, std::unique_ptr<SendLoop>> loops;  // by URL
  };

  // The discovery manager's callback: recomputes each set's Alertmanagers
  // and starts and stops SendLoops to match.
  void Sync(const scrape::discovery::TargetGroupsByJob& groups);

  const ManagerOptions options_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Set>> sets_;  // by "config-<index>"
  storage::Labels external_labels_;
  std::vector<ingest::RelabelRule> alert_relabel_;
  bool stopped_ = false;
  // Guards discovery_ itself (ApplyConfig against Stop). Sync never takes
  // it, so destroying the discovery manager under it cannot deadlock.
  std::mutex discovery_mu_;
  // Last, so it stops (and no Sync runs) before the sets go.
  std::unique_ptr<scrape::discovery::Manager> discovery_;
};

}  // namespace cairn::notifier
