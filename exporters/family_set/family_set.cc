#include "exporters/family_set/family_set.h"

#include <algorithm>
#include <utility>

namespace cairn::exporters {

prometheus::MetricFamily* FamilySet::Family(const std::string& name, const std::string& help,
                                            prometheus::MetricType type) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.name = name;
    it->second.help = help;
    it->second.type = type;
  } else if (it->second.type != type) {
    return nullptr;
  }
  return &it->second;
}

bool FamilySet::Add(const std::string& name, const std::string& help, prometheus::MetricType type,
                    LabelPairs labels, double value) {
  prometheus::MetricFamily* family = Family(name, help, type);
  if (family == nullptr) return false;
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  std::sort(m.label.begin(), m.label.end());  // as the Go client orders them
  switch (type) {
    case prometheus::MetricType::Counter:
      m.counter.value = value;
      break;
    case prometheus::MetricType::Gauge:
      m.gauge.value = value;
      break;
    default:
      m.untyped.value = value;
      break;
  }
  family->metric.push_back(std::move(m));
  return true;
}

bool FamilySet::AddSummary(const std::string& name, const std::string& help, LabelPairs labels, uint64_t count,
                           double sum, std::vector<prometheus::ClientMetric::Quantile> quantiles) {
  prometheus::MetricFamily* family = Family(name, help, prometheus::MetricType::Summary);
  if (family == nullptr) return false;
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  std::sort(m.label.begin(), m.label.end());
  m.summary.sample_count = count;
  m.summary.sample_sum = sum;
  m.summary.quantile = std::move(quantiles);
  family->metric.push_back(std::move(m));
  return true;
}

std::vector<prometheus::MetricFamily> FamilySet::Take() {
  std::vector<prometheus::MetricFamily> out;
  out.reserve(families_.size());
  for (auto& [name, family] : families_) out.push_back(std::move(family));
  families_.clear();
  return out;
}

}  // namespace cairn::exporters
