#include "notifier/alert.h"

namespace cairn::notifier {

std::vector<AlertPtr> RelabelAlerts(std::span<const AlertPtr> alerts, const storage::Labels& external_labels,
                                    std::span<const ingest::RelabelRule> rules) {
  std::vector<AlertPtr> out;
  out.reserve(alerts.size());
  for (const AlertPtr& a : alerts) {
    storage::Labels ls = a->labels;
    for (const auto& l : external_labels) {
      if (ls.Get(l.name).empty()) ls = ls.With(l.name, l.value);
    }
    ingest::RelabelResult r = ingest::Process(std::move(ls), rules);
    if (!r.keep) continue;
    if (r.labels == a->labels) {
      out.push_back(a);
      continue;
    }
    auto changed = std::make_shared<Alert>(*a);
    changed->labels = std::move(r.labels);
    out.push_back(std::move(changed));
  }
  return out;
}

}  // namespace cairn::notifier
