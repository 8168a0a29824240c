// AlertSender: the rule manager's rules::AlertSender seam delivered by
// notifier::Manager — rules::OutgoingAlert becomes notifier::Alert field by
// field; external labels and alert relabeling are the notifier's job, as in
// Prometheus (rules.SendAlerts hands notifier.Alerts to the notifier manager).
// Thread-safety: Send may be called from every group's evaluation thread at
// once (notifier::Manager::Send is thread-safe).
#pragma once

#include <vector>

#include "notifier/manager.h"
#include "rules/notifier.h"

namespace cairn::server {

class AlertSender final : public rules::AlertSender {
 public:
  // `notifier` must outlive this.
  explicit AlertSender(notifier::Manager& notifier) : notifier_(notifier) {}

  void Send(std::vector<rules::OutgoingAlert> alerts) override;

 private:
  notifier::Manager& notifier_;
};

}  // namespace cairn::server
