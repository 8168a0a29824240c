#include "rules/recording_rule.h"

#include <algorithm>
#include <unordered_set>

#include "promql/printer.h"

namespace cairn::rules {

RecordingRule::RecordingRule(std::string name, promql::ExprPtr expr, storage::Labels labels)
    : Rule(std::move(name), std::move(expr), std::move(labels)) {}

Result<promql::Vector> RecordingRule::Eval(const EvalContext& ctx) {
  auto res = (*ctx.query)(expr(), ctx.ts_ms - ctx.query_offset_ms);
  if (!res.ok()) return res.status();
  promql::Vector vec = std::move(res).value();
  std::unordered_set<storage::Labels, storage::LabelsHash> seen;
  seen.reserve(vec.size());
  for (auto& s : vec) {
    // Rule labels override the expression's; an empty value removes the label.
    std::vector<storage::Label> merged = std::move(s.metric).Release();
    auto set = [&merged](std::string_view n, std::string_view v) {
      auto it = std::lower_bound(merged.begin(), merged.end(), n,
                                 [](const storage::Label& l, std::string_view x) { return l.name < x; });
      if (it != merged.end() && it->name == n) {
        if (v.empty()) {
          merged.erase(it);
        } else {
          it->value = v;
        }
      } else if (!v.empty()) {
        merged.insert(it, storage::Label{std::string(n), std::string(v)});
      }
    };
    set(storage::kMetricName, name());
    for (const auto& l : labels()) set(l.name, l.value);
    s.metric = storage::Labels::FromSorted(std::move(merged));
    s.drop_name = false;
    if (!seen.insert(s.metric).second) {
      return Status::Execution("vector contains metrics with the same labelset after applying rule labels");
    }
  }
  if (ctx.limit > 0 && static_cast<int64_t>(vec.size()) > ctx.limit) {
    return Status::Execution("exceeded limit of " + std::to_string(ctx.limit) + " with " +
                             std::to_string(vec.size()) + " series");
  }
  return vec;
}

std::string RecordingRule::Definition() const {
  std::string d = "record";
  AppendField(&d, name());
  AppendField(&d, query());
  for (const auto& l : labels()) {
    AppendField(&d, l.name);
    AppendField(&d, l.value);
  }
  return d;
}

}  // namespace cairn::rules
