#include "server/alert_sender.h"

namespace cairn::server {

void AlertSender::Send(std::vector<rules::OutgoingAlert> alerts) {
  std::vector<notifier::Alert> out;
  out.reserve(alerts.size());
  for (auto& a : alerts) {
    out.push_back(notifier::Alert{.labels = std::move(a.labels),
                                  .annotations = std::move(a.annotations),
                                  .starts_at_ms = a.starts_at_ms,
                                  .ends_at_ms = a.ends_at_ms,
                                  .generator_url = std::move(a.generator_url)});
  }
  notifier_.Send(std::move(out));
}

}  // namespace cairn::server
