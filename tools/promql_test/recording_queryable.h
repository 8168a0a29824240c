// RecordingQueryable: wraps a Queryable and notes whether any Select could
// have read a series from a given set (the series that held native-histogram
// samples in the script, which the runner must skip): either its matchers
// match one of those label sets or it returned one. Test-runner only.
// Thread-safety: single-threaded.
#pragma once

#include <memory>
#include <set>

#include "storage/queryable.h"

namespace cairn::promql_test {

class RecordingQueryable final : public storage::Queryable {
 public:
  RecordingQueryable(storage::Queryable& base, const std::set<storage::Labels>& watched)
      : base_(base), watched_(watched) {}

  Result<std::unique_ptr<storage::Querier>> NewQuerier(int64_t min_t_ms, int64_t max_t_ms) override;

  bool touched() const { return touched_; }
  void Reset() { touched_ = false; }

 private:
  friend class RecordingQuerier;
  storage::Queryable& base_;
  const std::set<storage::Labels>& watched_;
  bool touched_ = false;
};

}  // namespace cairn::promql_test
