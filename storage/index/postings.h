// Postings: sorted, duplicate-free lists of series refs, and the set
// operations matcher evaluation needs. Inputs must be sorted ascending and
// duplicate-free; outputs are too.
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "storage/sample.h"

namespace cairn::storage::index {

using Postings = std::vector<SeriesRef>;

// Refs present in both.
Postings Intersect(const Postings& a, const Postings& b);
// Refs present in any list.
Postings Union(const std::vector<const Postings*>& lists);
// Refs of `a` not in `b`.
Postings Subtract(const Postings& a, const Postings& b);
// Inserts `ref` keeping order (cheap when it is the largest, the usual case).
void InsertSorted(Postings* p, SeriesRef ref);

}  // namespace cairn::storage::index
