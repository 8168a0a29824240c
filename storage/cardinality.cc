#include "storage/cardinality.h"

#include <algorithm>

namespace cairn::storage {

void SortAndCut(CardinalityStats::Top* items, size_t limit) {
  auto by_count = [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
  if (items->size() > limit) {
    std::partial_sort(items->begin(), items->begin() + static_cast<std::ptrdiff_t>(limit), items->end(), by_count);
    items->resize(limit);
  } else {
    std::sort(items->begin(), items->end(), by_count);
  }
}

}  // namespace cairn::storage
