// The seam between the rule engine and whatever delivers alerts (the server
// adapts it to notifier::Manager, which posts to Alertmanager's v2 API).
// Thread-safety: Send may be called from every group's evaluation thread at
// once; implementations must allow that.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/labels.h"

namespace cairn::rules {

// One alert as it leaves the rule engine (Prometheus' notifier.Alert before
// external labels and alert relabeling are applied).
struct OutgoingAlert {
  storage::Labels labels;
  storage::Labels annotations;
  int64_t starts_at_ms = 0;  // when it started firing
  int64_t ends_at_ms = 0;    // resolve time, or the time until which it is valid
  std::string generator_url;
};

class AlertSender {
 public:
  virtual ~AlertSender() = default;
  virtual void Send(std::vector<OutgoingAlert> alerts) = 0;
};

// Prometheus' strutil.TableLinkForExpression: "/graph?g0.expr=<query-escaped
// expr>&g0.tab=1", appended to the external URL to make generator_url.
std::string TableLinkForExpression(std::string_view expr);

}  // namespace cairn::rules
