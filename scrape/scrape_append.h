// AppendScrape: turns one scrape's body into appends, as Prometheus'
// scrapeLoop.append does:
//   - each sample's series is looked up by its raw bytes in the target's
//     ScrapeCache; only a new series has its labels built, merged with the
//     target's labels (honor_labels, or `exported_` renaming of clashes),
//     metric-relabeled (a dropped series is remembered as dropped), checked
//     (name, validity, label limits) and hashed;
//   - samples are stamped with the scrape time unless honor_timestamps and
//     the exposition gives one; series without an explicit timestamp (or all,
//     with track_timestamps_staleness) are tracked for staleness;
//   - at the end, series seen in the previous scrape but not in this one get
//     a stale marker at the scrape time.
// Malformed input, a broken label limit or sample_limit fail the scrape: the
// caller rolls the Appender back and calls again with an empty body, which
// marks the previous scrape's series stale, as Prometheus does.
// Thread-safety: one call at a time per ScrapeCache.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ingest/exposition/parser.h"
#include "ingest/metadata_sink.h"
#include "ingest/relabel.h"
#include "scrape/scrape_cache.h"
#include "storage/appender.h"
#include "storage/labels.h"
#include "util/status.h"

namespace cairn::scrape {

// How a job's scraped samples become series (from its scrape_config).
struct SampleRules {
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  uint64_t sample_limit = 0;  // 0 = none, as for the other limits
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  std::vector<ingest::RelabelRule> metric_relabel;
  storage::NameValidationScheme validation = storage::NameValidationScheme::kUtf8;
};

struct AppendResult {
  Status error;               // the scrape's failure, if any
  int64_t total = 0;          // samples in the exposition (scrape_samples_scraped)
  int64_t added = 0;          // samples appended after metric relabeling
  int64_t series_added = 0;   // series new to the cache (scrape_series_added)
  // What the scrape manager's own counters need (scrape/scrape_metrics.h).
  bool sample_limit_exceeded = false;
  bool label_limits_exceeded = false;
  int64_t duplicate_timestamps = 0;  // samples the storage refused as same time, other value
  // Samples of new series the storage refused (--storage.max-series); the
  // scrape still succeeds with the rest, and they are asked for again next time.
  int64_t series_limit_refused = 0;
};

// Appends the samples of `body` (in `format`) for a target whose public
// labels are `target`, at default time `t_ms`. Metadata of the families seen
// goes to `cache` and, when given, `metadata`.
AppendResult AppendScrape(storage::Appender& app, ScrapeCache& cache, const storage::Labels& target,
                          const SampleRules& rules, ingest::exposition::Format format, std::string_view body,
                          int64_t t_ms, ingest::MetadataSink* metadata = nullptr);

// The labels of a scraped series once the target's are added (Prometheus'
// mutateSampleLabels, before metric relabeling): with honor_labels the
// scraped values win; otherwise the target's do and a clashing scraped label
// is kept as exported_<name> (exported_exported_<name>, ... when taken).
storage::Labels MergeTargetLabels(const storage::Labels& scraped, const storage::Labels& target, bool honor_labels);

// Prometheus' label limit checks; InvalidArgument with its message.
Status CheckLabelLimits(const storage::Labels& labels, const SampleRules& rules);

}  // namespace cairn::scrape
