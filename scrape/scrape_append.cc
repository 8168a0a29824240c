#include "scrape/scrape_append.h"

#include <algorithm>

#include "storage/sample.h"
#include "util/go_quote.h"

namespace cairn::scrape {

namespace {

namespace expo = ingest::exposition;

storage::MetricType ToStorageType(expo::MetricType t) {
  switch (t) {
    case expo::MetricType::kCounter: return storage::MetricType::kCounter;
    case expo::MetricType::kGauge: return storage::MetricType::kGauge;
    case expo::MetricType::kHistogram: return storage::MetricType::kHistogram;
    case expo::MetricType::kGaugeHistogram: return storage::MetricType::kGaugeHistogram;
    case expo::MetricType::kSummary: return storage::MetricType::kSummary;
    case expo::MetricType::kInfo: return storage::MetricType::kInfo;
    case expo::MetricType::kStateset: return storage::MetricType::kStateset;
    default: return storage::MetricType::kUnknown;
  }
}

// Go's %.50s: at most 50 runes.
std::string Runes50(std::string_view s) {
  size_t i = 0;
  for (int n = 0; n < 50 && i < s.size(); ++n) {
    size_t len;
    DecodeRune(s, i, len);
    i += len;
  }
  return std::string(s.substr(0, i));
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    size_t len;
    DecodeRune(s, i, len);
    i += len;
  }
  return n;
}

// A small labels.Builder: set (empty value deletes) and get by name. Like
// Go's, it starts from `base` without the labels whose value is empty, so an
// exposed `datname=""` is no label of the series.
class Builder {
 public:
  explicit Builder(const storage::Labels& base) {
    labels_.reserve(base.size());
    for (const auto& l : base) {
      if (!l.value.empty()) labels_.push_back(l);
    }
  }
  std::string_view Get(std::string_view name) const {
    for (const auto& l : labels_) {
      if (l.name == name) return l.value;
    }
    return {};
  }
  void Set(std::string_view name, std::string_view value) {
    auto it = std::find_if(labels_.begin(), labels_.end(), [&](const storage::Label& l) { return l.name == name; });
    if (value.empty()) {
      if (it != labels_.end()) labels_.erase(it);
      return;
    }
    if (it != labels_.end()) {
      it->value = std::string(value);
    } else {
      labels_.push_back({std::string(name), std::string(value)});
    }
  }
  storage::Labels Take() { return storage::Labels::FromUnsorted(std::move(labels_)); }

 private:
  std::vector<storage::Label> labels_;
};

}  // namespace

storage::Labels MergeTargetLabels(const storage::Labels& scraped, const storage::Labels& target, bool honor_labels) {
  Builder b(scraped);
  if (honor_labels) {
    for (const auto& l : target) {
      if (!scraped.Has(l.name)) b.Set(l.name, l.value);
    }
    return b.Take();
  }
  std::vector<storage::Label> clashes;
  for (const auto& l : target) {
    std::string_view existing = scraped.Get(l.name);
    if (!existing.empty()) clashes.push_back({l.name, std::string(existing)});
    b.Set(l.name, l.value);
  }
  std::stable_sort(clashes.begin(), clashes.end(),
                   [](const storage::Label& a, const storage::Label& c) { return a.name.size() < c.name.size(); });
  for (const auto& l : clashes) {
    std::string name = l.name;
    for (;;) {
      name = "exported_" + name;
      if (b.Get(name).empty()) {
        b.Set(name, l.value);
        break;
      }
    }
  }
  return b.Take();
}

Status CheckLabelLimits(const storage::Labels& labels, const SampleRules& rules) {
  const std::string metric = Runes50(labels.MetricName());
  if (rules.label_limit > 0 && labels.size() > rules.label_limit) {
    return Status::InvalidArgument("label_limit exceeded (metric: " + metric + ", number of labels: " +
                                   std::to_string(labels.size()) + ", limit: " + std::to_string(rules.label_limit) +
                                   ")");
  }
  if (rules.label_name_length_limit == 0 && rules.label_value_length_limit == 0) return Status::OK();
  for (const auto& l : labels) {
    if (rules.label_name_length_limit > 0 && l.name.size() > rules.label_name_length_limit) {
      return Status::InvalidArgument("label_name_length_limit exceeded (metric: " + metric + ", label name: " +
                                     Runes50(l.name) + ", length: " + std::to_string(l.name.size()) +
                                     ", limit: " + std::to_string(rules.label_name_length_limit) + ")");
    }
    if (rules.label_value_length_limit > 0) {
      const size_t runes = RuneCount(l.value);
      if (runes > rules.label_value_length_limit) {
        return Status::InvalidArgument("label_value_length_limit exceeded (metric: " + metric + ", label name: " +
                                       Runes50(l.name) + ", value: " + GoQuote(l.value, 50) + ", length: " +
                                       std::to_string(runes) + ", limit: " +
                                       std::to_string(rules.label_value_length_limit) + ")");
      }
    }
  }
  return Status::OK();
}

AppendResult AppendScrape(storage::Appender& app, ScrapeCache& cache, const storage::Labels& target,
                          const SampleRules& rules, expo::Format format, std::string_view body, int64_t t_ms,
                          ingest::MetadataSink* metadata) {
  AppendResult res;
  auto parser = expo::NewParser(format, body);
  std::string duplicate;
  auto fail = [&](Status st) {
    res.error = std::move(st);
    return res;
  };
  for (;;) {
    Result<expo::Entry> entry = body.empty() ? Result<expo::Entry>(expo::Entry::kEnd) : parser->Next();
    if (!entry.ok()) return fail(entry.status());
    if (*entry == expo::Entry::kEnd) break;
    switch (*entry) {
      case expo::Entry::kType:
        cache.SetType(parser->FamilyName(), ToStorageType(parser->Type()));
        continue;
      case expo::Entry::kHelp:
        cache.SetHelp(parser->FamilyName(), parser->Help());
        continue;
      case expo::Entry::kUnit:
        cache.SetUnit(parser->FamilyName(), parser->Unit());
        continue;
      case expo::Entry::kSeries:
        break;
      default:
        continue;
    }
    ++res.total;
    const std::string_view series = parser->SeriesKey();
    std::optional<int64_t> explicit_ts = rules.honor_timestamps ? parser->Timestamp() : std::nullopt;
    const int64_t t = explicit_ts.value_or(t_ms);
    const double v = parser->Value();
    if (cache.IsDropped(series)) continue;

    ScrapeCache::Entry* ce = cache.Get(series);
    storage::SeriesRef ref = 0;
    storage::Labels built;
    uint64_t hash = 0;
    if (ce != nullptr) {
      ref = ce->ref;
      hash = ce->hash;
    } else {
      storage::Labels scraped = parser->Labels(&duplicate);
      if (!duplicate.empty()) {
        // Prometheus' TSDB refuses the sample, which fails the scrape.
        return fail(Status::InvalidArgument("label name " + GoQuote(duplicate) + " is not unique: invalid sample"));
      }
      storage::Labels lset = MergeTargetLabels(scraped, target, rules.honor_labels);
      if (!rules.metric_relabel.empty()) {
        ingest::RelabelResult r = ingest::Process(std::move(lset), rules.metric_relabel);
        lset = r.keep ? std::move(r.labels) : storage::Labels();
      }
      if (lset.empty()) {
        cache.AddDropped(series);
        continue;
      }
      if (!lset.Has(storage::kMetricName)) return fail(Status::InvalidArgument("__name__ label is missing"));
      for (const auto& l : lset) {
        if (!storage::IsValidLabelName(l.name, rules.validation) || !storage::IsValidUtf8(l.value)) {
          return fail(Status::InvalidArgument("invalid metric name or label names: " + lset.ToString()));
        }
      }
      if (Status st = CheckLabelLimits(lset, rules); !st.ok()) {
        res.label_limits_exceeded = true;
        return fail(std::move(st));
      }
      hash = lset.Hash();
      built = std::move(lset);
    }
    if (rules.sample_limit > 0 && static_cast<uint64_t>(res.added) >= rules.sample_limit) {
      res.sample_limit_exceeded = true;
      return fail(Status::ResourceExhausted("sample limit exceeded"));
    }
    const storage::Labels& lset = ce != nullptr ? ce->labels : built;
    Result<storage::SeriesRef> appended = app.Append(ref, lset, t, v);
    if (!appended.ok()) {
      // A duplicate timestamp with another value loses that sample only, as
      // in Prometheus.
      if (appended.status().code() == StatusCode::kDuplicateSample) ++res.duplicate_timestamps;
      if (appended.status().code() == StatusCode::kResourceExhausted) ++res.series_limit_refused;
      continue;
    }
    ++res.added;
    const bool track = !explicit_ts.has_value() || rules.track_timestamps_staleness;
    if (ce != nullptr) {
      ce->ref = *appended;
    } else {
      ce = &cache.Add(series, *appended, std::move(built), hash);
      ++res.series_added;
    }
    if (track) cache.TrackStaleness(*ce);
  }
  // Series of the previous scrape that this one lacks end with a stale marker.
  cache.ForEachStale([&](const storage::Labels& gone) { (void)app.Append(0, gone, t_ms, storage::StaleNaN()); });
  cache.IterDone(/*flush=*/!body.empty());
  if (metadata != nullptr && !body.empty()) {
    cache.TakeChangedMetadata([&](const std::string& family, const storage::Metadata& md) {
      metadata->Record(family, md);
    });
  }
  return res;
}

}  // namespace cairn::scrape
