#include "storage/index/postings.h"

#include <algorithm>
#include <queue>

namespace cairn::storage::index {

Postings Intersect(const Postings& a, const Postings& b) {
  const Postings& small = a.size() <= b.size() ? a : b;
  const Postings& big = a.size() <= b.size() ? b : a;
  Postings out;
  out.reserve(small.size());
  if (small.size() * 16 < big.size()) {
    // Very different sizes: gallop through the big list with binary search.
    auto it = big.begin();
    for (SeriesRef r : small) {
      it = std::lower_bound(it, big.end(), r);
      if (it == big.end()) break;
      if (*it == r) out.push_back(r);
    }
    return out;
  }
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Postings Union(const std::vector<const Postings*>& lists) {
  if (lists.empty()) return {};
  if (lists.size() == 1) return *lists[0];
  size_t total = 0;
  for (const Postings* p : lists) total += p->size();
  Postings out;
  out.reserve(total);
  for (const Postings* p : lists) out.insert(out.end(), p->begin(), p->end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Postings Subtract(const Postings& a, const Postings& b) {
  Postings out;
  out.reserve(a.size());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

void InsertSorted(Postings* p, SeriesRef ref) {
  if (p->empty() || p->back() < ref) {
    p->push_back(ref);
    return;
  }
  auto it = std::lower_bound(p->begin(), p->end(), ref);
  if (it == p->end() || *it != ref) p->insert(it, ref);
}

}  // namespace cairn::storage::index
