// Target: one endpoint a scrape pool scrapes, built from a discovered label
// set the way Prometheus' PopulateLabels builds it:
//   1. the group's labels under the target's own, then job, __scrape_interval__,
//      __scrape_timeout__, __metrics_path__, __scheme__ and __param_<k> where
//      unset (these "discovered labels" are what /api/v1/targets shows);
//   2. relabel_configs; a dropped target keeps only its discovered labels;
//   3. checks: an address, a host without '/', a non-zero interval and timeout
//      no longer than the interval;
//   4. __meta_* removed, instance defaulted to __address__.
// The labels that reach series are the ones without a "__" prefix.
// Thread-safety: TargetLabels and ScrapeUrl are pure; a Target's identity is
// immutable, its health is guarded by its own mutex.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "ingest/relabel.h"
#include "storage/labels.h"
#include "util/status.h"

namespace cairn::scrape {

// What PopulateLabels needs of the scrape config.
struct TargetDefaults {
  std::string job_name;
  int64_t scrape_interval_ms = 60000;
  int64_t scrape_timeout_ms = 10000;
  std::string metrics_path = "/metrics";
  std::string scheme = "http";
  std::map<std::string, std::vector<std::string>> params;
};

struct PopulatedTarget {
  storage::Labels labels;      // after relabeling; empty when dropped or invalid
  storage::Labels discovered;  // before relabeling; empty when invalid
};

// PopulateLabels for one target of a group. Errors are Prometheus' texts
// ("no address", "scrape timeout cannot be greater than scrape interval
// (\"20s\" > \"10s\")", ...).
Result<PopulatedTarget> PopulateTargetLabels(const storage::Labels& target, const storage::Labels& group,
                                             const TargetDefaults& defaults,
                                             std::span<const ingest::RelabelRule> relabel);

// scheme://address metrics_path?params, where __param_<k> labels override
// the first value of params[k] (Prometheus' Target.URL).
std::string ScrapeUrl(const storage::Labels& labels, const std::map<std::string, std::vector<std::string>>& params);

// The labels of `labels` without a "__" prefix: what a target adds to its series.
storage::Labels PublicLabels(const storage::Labels& labels);

enum class Health { kUnknown, kUp, kDown };
std::string_view HealthName(Health h);  // "unknown", "up", "down"

struct TargetHealth {
  Health health = Health::kUnknown;
  std::string last_error;
  int64_t last_scrape_ms = 0;          // wall time the last scrape started; 0 = never
  double last_duration_seconds = 0;
  int64_t last_samples = 0;            // samples scraped the last time
};

class Target {
 public:
  Target(storage::Labels labels, storage::Labels discovered, std::map<std::string, std::vector<std::string>> params);

  const storage::Labels& labels() const { return labels_; }          // with __ labels
  const storage::Labels& discovered() const { return discovered_; }
  const storage::Labels& public_labels() const { return public_; }   // job, instance, ...
  const std::string& url() const { return url_; }
  int64_t interval_ms() const { return interval_ms_; }
  int64_t timeout_ms() const { return timeout_ms_; }
  // Prometheus' target hash: FNV-1a 64 of the labels' hash (as "%016d") and the URL.
  uint64_t hash() const { return hash_; }
  // Wait before the first scrape so that this target's scrapes fall at a
  // fixed, hash-spread phase of the interval (Prometheus' Target.offset).
  int64_t OffsetMs(int64_t now_ms, uint64_t seed) const;

  TargetHealth health() const;
  void SetHealth(TargetHealth h);

 private:
  storage::Labels labels_, discovered_, public_;
  std::string url_;
  int64_t interval_ms_ = 0, timeout_ms_ = 0;
  uint64_t hash_ = 0;
  mutable std::mutex mu_;
  TargetHealth health_;
};

}  // namespace cairn::scrape
