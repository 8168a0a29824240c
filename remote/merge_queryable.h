// MergeQueryable: local storage and the remote_read endpoints as one
// Queryable, as Prometheus' fanout storage with storage.NewMergeQuerier and
// ChainedSeriesMerge: local storage is primary — its errors are errors — and
// each remote is secondary — its failure drops that remote's series and
// becomes a warning (SeriesSet::Warnings, Querier::Warnings), never an error.
// Series with equal labels from several sources are one series whose samples
// are the union by timestamp; where two sources hold the same timestamp, the
// local sample wins, then the remotes in configuration order.
// Without remotes it hands out local queriers untouched. The remotes can be
// replaced at any time (config reload); a querier keeps those it started with.
// Thread-safety: NewQuerier and SetRemotes are safe from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "storage/queryable.h"

namespace cairn::remote {

class MergeQueryable final : public storage::Queryable {
 public:
  // `local` must outlive this.
  explicit MergeQueryable(storage::Queryable& local) : local_(local) {}

  void SetRemotes(std::vector<std::shared_ptr<storage::Queryable>> remotes);

  Result<std::unique_ptr<storage::Querier>> NewQuerier(int64_t min_t_ms, int64_t max_t_ms) override;

 private:
  storage::Queryable& local_;
  std::mutex mu_;
  std::vector<std::shared_ptr<storage::Queryable>> remotes_;
};

}  // namespace cairn::remote
