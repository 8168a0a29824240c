// The write face of storage, shaped like Prometheus' storage.Appender with one
// Append taking an options struct.
//
// An Appender collects samples and makes them visible and durable together on
// Commit(): Commit returns only once the batch is in the WAL and fsynced (many
// concurrent commits share one fsync). A sample that cannot be stored (for
// instance a duplicate timestamp with a different value) fails its own Append
// call and is left out; the rest of the batch is unaffected. Append checks
// against committed data: within one uncommitted batch, a later sample at the
// same timestamp with other value bits is dropped at Commit (the first wins,
// as in Prometheus' head), and an identical resend is stored once without an
// error. tests/storage/storage_contract_test.cc holds every storage to this.
// Thread-safety: an Appender is single-threaded; get one per goroutine-like
// writer from Appendable::NewAppender(), which is safe from any thread. The
// destructor rolls back whatever was not committed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/labels.h"
#include "storage/sample.h"
#include "util/status.h"

namespace cairn::storage {

enum class MetricType : uint8_t { kUnknown, kCounter, kGauge, kHistogram, kGaugeHistogram, kSummary, kInfo, kStateset };

// Lower-case exposition name of a metric type ("counter", "gauge", ...), as
// the metadata APIs show it and Prometheus sizes its metadata cache by.
inline std::string_view MetricTypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
    case MetricType::kGaugeHistogram: return "gaugehistogram";
    case MetricType::kSummary: return "summary";
    case MetricType::kInfo: return "info";
    case MetricType::kStateset: return "stateset";
    case MetricType::kUnknown: break;
  }
  return "unknown";
}

struct Metadata {
  MetricType type = MetricType::kUnknown;
  std::string help;
  std::string unit;
};

struct AppendOptions {
  // Created/start timestamp of a counter (remote write 2.0); 0 = unset.
  int64_t start_t_ms = 0;
};

class Appender {
 public:
  virtual ~Appender() = default;
  // Adds one sample. `ref` is a hint from an earlier Append for the same labels
  // (0 = none); the returned ref may be passed next time to skip the label
  // lookup. Labels must be valid (Labels::Validate) and non-empty.
  // Errors: DuplicateSample for same timestamp with different value bits;
  // InvalidArgument for bad labels. The sample is then not added.
  virtual Result<SeriesRef> Append(SeriesRef ref, const Labels& labels, int64_t t_ms, double v,
                                   const AppendOptions& opts = {}) = 0;
  // The labels of the series `ref` names, or nullptr when the ref is unknown
  // (or the storage cannot tell). Lets a caller that cached a ref check it
  // still names the labels it has before appending by it. The pointer stays
  // valid at least until Commit/Rollback.
  virtual const Labels* SeriesLabels(SeriesRef /*ref*/) const { return nullptr; }
  // Records metadata for a metric family name (latest wins). Not WAL-critical.
  virtual Status UpdateMetadata(const std::string& metric_family, const Metadata& md) = 0;
  // Makes every appended sample durable and visible. After Commit the
  // Appender is empty and may be reused.
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
};

class Appendable {
 public:
  virtual ~Appendable() = default;
  virtual std::unique_ptr<Appender> NewAppender() = 0;
};

}  // namespace cairn::storage
