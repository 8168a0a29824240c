#include "promql/value.h"

#include <algorithm>

#include "storage/sample.h"

namespace cairn::promql {

namespace {
void AddUnique(std::vector<std::string>& list, std::string text) {
  if (std::find(list.begin(), list.end(), text) == list.end()) list.push_back(std::move(text));
}
}  // namespace

void Annotations::AddWarning(std::string text) { AddUnique(warnings, std::move(text)); }
void Annotations::AddInfo(std::string text) { AddUnique(infos, std::move(text)); }

void Annotations::Merge(const Annotations& other) {
  for (const auto& w : other.warnings) AddWarning(w);
  for (const auto& i : other.infos) AddInfo(i);
}

void DropStaleMarkers(Series& s) {
  size_t kept = 0;
  for (size_t i = 0; i < s.floats.size(); ++i) {
    if (storage::IsStaleNaN(s.floats[i].f)) continue;
    if (!s.starts.empty()) s.starts[kept] = s.starts[i];
    s.floats[kept++] = s.floats[i];
  }
  s.floats.resize(kept);
  if (!s.starts.empty()) s.starts.resize(kept);
}

void SortMatrix(Matrix& m) {
  const auto by_labels = [](const Series& a, const Series& b) { return a.metric < b.metric; };
  // Selector results arrive in storage's label order; often nothing moves.
  if (std::is_sorted(m.begin(), m.end(), by_labels)) return;
  std::sort(m.begin(), m.end(), by_labels);
}

}  // namespace cairn::promql
