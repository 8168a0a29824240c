// RemoteQueryable: one remote_read endpoint seen through the storage query
// faces, with Prometheus' storage/remote read.go rules:
//  - read_recent false: a window that starts after the local storage's start
//    time is not asked at all, and one that reaches past it is cut there
//    (the local storage answers the rest);
//  - required_matchers: a selector without every one of these equality
//    matchers gets no series from this remote;
//  - filter_external_labels: each external label the selector does not name
//    is sent as an equality matcher, and removed from the answer's series.
// Select asks the remote at once and holds its answer in memory; a failure
// is the set's status ("remote_read: ..."), which the merge
// (remote/merge_queryable.h) turns into a warning. LabelNames/LabelValues
// ask for the matching series (hint func "series", as /api/v1/series does;
// all series when there are no matchers) and collect their labels, where
// Prometheus 2.42 gives up with a "not implemented" warning.
// Thread-safety: the Queryable is safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "remote/read_client.h"
#include "storage/queryable.h"

namespace cairn::remote {

class RemoteQueryable final : public storage::Queryable {
 public:
  // `local_start_ms` gives the time from which local storage holds data
  // (consulted only when read_recent is false).
  RemoteQueryable(std::unique_ptr<ReadClient> client, storage::Labels external_labels,
                  std::function<int64_t()> local_start_ms);

  Result<std::unique_ptr<storage::Querier>> NewQuerier(int64_t min_t_ms, int64_t max_t_ms) override;

  const RemoteReadConfig& config() const { return client_->config(); }

 private:
  const std::unique_ptr<ReadClient> client_;
  const storage::Labels external_labels_;  // empty when filter_external_labels is false
  const std::function<int64_t()> local_start_ms_;
};

}  // namespace cairn::remote
