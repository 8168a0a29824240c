// Result ordering: sort, sort_desc (by value) and sort_by_label,
// sort_by_label_desc (natural order of label values, then the full label
// set). Ordering only shows in instant results; range results are always
// sorted by labels, so there a warning says the sort had no effect.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "promql/functions/registry.h"

namespace cairn::promql::functions {

namespace {

using eval::StepValue;

void WarnIfRange(FuncContext& ctx) {
  if (ctx.ev.query_start_ms() != ctx.ev.query_end_ms()) {
    ctx.ev.Warn(ctx.expr, "sort is ineffective for range queries since results are always ordered by labels");
  }
}

double FirstValue(const Series& s) { return s.floats.empty() ? NAN : s.floats.front().f; }

template <bool kDesc>
StepValue SortByValue(std::vector<StepValue>& args, FuncContext& ctx) {
  WarnIfRange(ctx);
  StepValue v = std::move(args[0]);
  std::stable_sort(v.series.begin(), v.series.end(), [](const Series& a, const Series& b) {
    double x = FirstValue(a), y = FirstValue(b);
    if (std::isnan(x)) return false;
    if (std::isnan(y)) return true;
    return kDesc ? x > y : x < y;
  });
  return v;
}

// Natural order: runs of digits compare by numeric value.
int NaturalCompare(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool da = std::isdigit(static_cast<unsigned char>(a[i])), db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      size_t si = i, sj = j;
      while (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i]))) ++i;
      while (j < b.size() && std::isdigit(static_cast<unsigned char>(b[j]))) ++j;
      std::string_view na = a.substr(si, i - si), nb = b.substr(sj, j - sj);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size() ? -1 : 1;
      if (int c = na.compare(nb); c != 0) return c < 0 ? -1 : 1;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

template <bool kDesc>
StepValue SortByLabel(std::vector<StepValue>& args, FuncContext& ctx) {
  WarnIfRange(ctx);
  StepValue v = std::move(args[0]);
  std::vector<std::string> names;
  for (size_t i = 1; i < args.size(); ++i) names.push_back(args[i].str);
  std::stable_sort(v.series.begin(), v.series.end(), [&](const Series& a, const Series& b) {
    for (const auto& n : names) {
      int c = NaturalCompare(a.metric.Get(n), b.metric.Get(n));
      if (c != 0) return kDesc ? c > 0 : c < 0;
    }
    int c = storage::Labels::Compare(a.metric, b.metric);
    return kDesc ? c > 0 : c < 0;
  });
  return v;
}

}  // namespace

VectorTable SortFunctions() {
  return {
      {"sort", SortByValue<false>},
      {"sort_desc", SortByValue<true>},
      {"sort_by_label", SortByLabel<false>},
      {"sort_by_label_desc", SortByLabel<true>},
  };
}

}  // namespace cairn::promql::functions
