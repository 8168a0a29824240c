#include "server/metadata_store.h"

namespace cairn::server {

std::string_view MetricTypeName(storage::MetricType t) {
  switch (t) {
    case storage::MetricType::kCounter: return "counter";
    case storage::MetricType::kGauge: return "gauge";
    case storage::MetricType::kHistogram: return "histogram";
    case storage::MetricType::kGaugeHistogram: return "gaugehistogram";
    case storage::MetricType::kSummary: return "summary";
    case storage::MetricType::kInfo: return "info";
    case storage::MetricType::kStateset: return "stateset";
    case storage::MetricType::kUnknown: break;
  }
  return "unknown";
}

}  // namespace cairn::server
