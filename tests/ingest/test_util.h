// Helpers for ingest tests: building wire requests with the generated
// protobuf classes, reading series back from a Queryable, and a recording
// Appendable whose failures a test chooses.
#pragma once

#include <snappy.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "proto/remote.pb.h"
#include "proto/write_v2.pb.h"
#include "storage/appender.h"
#include "storage/queryable.h"

namespace cairn::ingest::testing {

inline std::string Snappy(const std::string& raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

inline void AddLabel(prometheus::TimeSeries* ts, const std::string& name, const std::string& value) {
  auto* l = ts->add_labels();
  l->set_name(name);
  l->set_value(value);
}

inline void AddSample(prometheus::TimeSeries* ts, int64_t t_ms, double v) {
  auto* s = ts->add_samples();
  s->set_timestamp(t_ms);
  s->set_value(v);
}

// Appends a 1.0 series with the given labels (wire order kept) and samples.
inline prometheus::TimeSeries* AddSeries(prometheus::WriteRequest* req,
                                         const std::vector<std::pair<std::string, std::string>>& labels,
                                         const std::vector<std::pair<int64_t, double>>& samples) {
  auto* ts = req->add_timeseries();
  for (const auto& [n, v] : labels) AddLabel(ts, n, v);
  for (const auto& [t, v] : samples) AddSample(ts, t, v);
  return ts;
}

// Reads every sample of every series matching __name__=name in [0, 1e15].
inline std::map<std::string, std::vector<storage::Sample>> ReadAll(storage::Queryable& q,
                                                                    const std::string& name) {
  std::map<std::string, std::vector<storage::Sample>> out;
  auto querier = q.NewQuerier(0, 1'000'000'000'000'000);
  if (!querier.ok()) return out;
  storage::Matchers ms;
  ms.push_back(storage::Matcher::Make(storage::MatchType::kEqual, "__name__", name).value());
  auto set = (*querier)->Select(storage::SelectHints{}, ms);
  while (set->Next()) {
    auto& samples = out[set->At().labels().ToString()];
    auto it = set->At().Iterator();
    while (it->Next()) samples.push_back(it->At());
  }
  return out;
}

// An Appendable that records committed samples and fails as told.
class RecordingAppendable final : public storage::Appendable {
 public:
  struct Appended {
    storage::Labels labels;
    int64_t t_ms;
    double v;
    int64_t start_t_ms;
  };
  // Called for each Append; a non-OK Status fails that Append.
  std::function<Status(const storage::Labels&, int64_t t_ms, double v)> append_hook;
  Status commit_status;
  std::vector<Appended> committed;
  std::map<std::string, storage::Metadata> metadata;
  int rollbacks = 0;

  std::unique_ptr<storage::Appender> NewAppender() override { return std::make_unique<App>(this); }

 private:
  class App final : public storage::Appender {
   public:
    explicit App(RecordingAppendable* p) : p_(p) {}
    Result<storage::SeriesRef> Append(storage::SeriesRef, const storage::Labels& labels, int64_t t_ms, double v,
                                      const storage::AppendOptions& opts) override {
      if (p_->append_hook) {
        Status st = p_->append_hook(labels, t_ms, v);
        if (!st.ok()) return st;
      }
      pending_.push_back({labels, t_ms, v, opts.start_t_ms});
      return storage::SeriesRef{1};
    }
    Status UpdateMetadata(const std::string& family, const storage::Metadata& md) override {
      p_->metadata[family] = md;
      return Status::OK();
    }
    Status Commit() override {
      if (!p_->commit_status.ok()) return p_->commit_status;
      for (auto& a : pending_) p_->committed.push_back(std::move(a));
      pending_.clear();
      return Status::OK();
    }
    void Rollback() override {
      ++p_->rollbacks;
      pending_.clear();
    }

   private:
    RecordingAppendable* p_;
    std::vector<Appended> pending_;
  };
};

}  // namespace cairn::ingest::testing
