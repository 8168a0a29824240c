// QuerierWarnings: a side face of a Querier whose label lookups
// (LabelValues/LabelNames) can carry non-fatal notes — the merge of local
// storage with remote_read endpoints (remote/merge_queryable.h), where a
// failed remote is a warning, not an error. Callers that surface API
// warnings test for it with dynamic_cast.
// (A candidate to fold into Querier itself; kept apart so adding it did not
// touch the header every query path includes.)
// Thread-safety: as the Querier implementing it.
#pragma once

#include <string>
#include <vector>

namespace cairn::storage {

class QuerierWarnings {
 public:
  virtual ~QuerierWarnings() = default;
  // The notes gathered by the label lookups made so far.
  virtual std::vector<std::string> Warnings() const = 0;
};

}  // namespace cairn::storage
