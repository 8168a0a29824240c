// Alert: one notification for Alertmanager, as Prometheus' notifier.Alert —
// what the rule manager hands the notifier for a firing or resolved alert.
// RelabelAlerts is the one place external labels and alert_relabel_configs
// are applied (upstream's relabelAlerts), used for the global rules and for
// each alertmanagers entry's own.
// Thread-safety: plain values; RelabelAlerts is a pure function.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ingest/relabel.h"
#include "storage/labels.h"

namespace cairn::notifier {

struct Alert {
  storage::Labels labels;       // alertname and the rule's labels
  storage::Labels annotations;  // expanded annotations
  // When the alert started firing; 0 sends Go's zero time, which Alertmanager
  // replaces with the time it received the alert.
  int64_t starts_at_ms = 0;
  // When it resolved, or for a firing alert the time after which
  // Alertmanager may resolve it on its own; 0 is unset (Go's zero time).
  int64_t ends_at_ms = 0;
  std::string generator_url;  // link back to the rule's expression

  friend bool operator==(const Alert&, const Alert&) = default;
};

// Alerts are shared read-only between the queues of all Alertmanagers.
using AlertPtr = std::shared_ptr<const Alert>;

// Adds each external label the alert does not already have (an empty value
// counts as missing), then applies `rules`; alerts a rule drops are left out.
// Alerts whose labels do not change are passed on as the same object.
std::vector<AlertPtr> RelabelAlerts(std::span<const AlertPtr> alerts, const storage::Labels& external_labels,
                                    std::span<const ingest::RelabelRule> rules);

}  // namespace cairn::notifier
