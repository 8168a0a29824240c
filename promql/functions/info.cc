// info(v, [selector]): enriches each series with the data labels of the
// info series (target_info by default) that share its identifying labels
// (instance, job), as of the time the base series was read (its @ and
// offset). Experimental in Prometheus 3.x.
#include <algorithm>
#include <map>
#include <set>

#include "promql/functions/registry.h"
#include "promql/value_format.h"
#include "storage/sample.h"

namespace cairn::promql::functions {

using eval::Evaluator;

namespace {

const std::vector<std::string>& IdentifyingLabels() {
  static const std::vector<std::string> kIds = {"instance", "job"};
  return kIds;
}

// Follows the first argument down to its selector and returns how the base
// samples' reference time derives from the step time: ref = at or t, minus
// the summed offsets.
void ReferenceOf(const Expr& e, Evaluator& ev, AtModifier& at, int64_t& offset) {
  auto apply = [&](const AtModifier& a, const Duration& off) {
    AtModifier r = ev.ResolveAt(a);
    if (r.present()) {
      at = r;
      offset = 0;
    }
    offset += ev.ResolveDuration(off);
  };
  if (auto* p = e.As<ParenExpr>()) return ReferenceOf(*p->expr, ev, at, offset);
  if (auto* vs = e.As<VectorSelector>()) return apply(vs->at, vs->offset);
  if (auto* ms = e.As<MatrixSelector>()) return apply(ms->selector.at, ms->selector.offset);
  if (auto* sq = e.As<SubqueryExpr>()) {
    apply(sq->at, sq->offset);
    return ReferenceOf(*sq->expr, ev, at, offset);
  }
  if (auto* c = e.As<Call>()) {
    for (const auto& a : c->args) {
      ValueType t = TypeOf(*a);
      if (t == ValueType::kVector || t == ValueType::kMatrix) return ReferenceOf(*a, ev, at, offset);
    }
  }
  if (auto* u = e.As<UnaryExpr>()) return ReferenceOf(*u->expr, ev, at, offset);
  if (auto* ag = e.As<AggregateExpr>()) return ReferenceOf(*ag->expr, ev, at, offset);
}

struct InfoSample {
  const Series* series;
  int64_t t_ms;
};

// The latest non-stale sample of `s` in (ref - lookback, ref].
bool LatestAt(const Series& s, int64_t ref, int64_t lookback, int64_t& t_out) {
  const auto& pts = s.floats;
  auto it = std::upper_bound(pts.begin(), pts.end(), ref, [](int64_t r, const FPoint& p) { return r < p.t_ms; });
  if (it == pts.begin()) return false;
  --it;
  if (it->t_ms <= ref - lookback || storage::IsStaleNaN(it->f)) return false;
  t_out = it->t_ms;
  return true;
}

}  // namespace

eval::StepValue InfoCall(Evaluator& ev, const Call& call, const Expr& e) {
  eval::StepValue base = ev.Eval(*call.args[0]);
  storage::Matchers name_matchers, data_matchers;
  if (call.args.size() > 1) {
    const Expr* sel = call.args[1].get();
    while (auto* p = sel->As<ParenExpr>()) sel = p->expr.get();
    if (auto* vs = sel->As<VectorSelector>()) {
      for (const auto& m : vs->matchers) (m.name() == storage::kMetricName ? name_matchers : data_matchers).push_back(m);
    }
  }
  bool positive_name = false;
  for (const auto& m : name_matchers) {
    positive_name = positive_name || m.type() == storage::MatchType::kEqual || m.type() == storage::MatchType::kRegexMatch;
  }
  if (name_matchers.empty()) {
    auto m = storage::Matcher::Make(storage::MatchType::kEqual, std::string(storage::kMetricName), "target_info");
    name_matchers.push_back(*m);
  } else if (!positive_name) {
    // Only negative name matchers: info series are still the *_info ones.
    auto m = storage::Matcher::Make(storage::MatchType::kRegexMatch, std::string(storage::kMetricName), ".+_info");
    name_matchers.push_back(*m);
  }
  bool data_must_match = false;
  for (const auto& m : data_matchers) data_must_match = data_must_match || !m.MatchesEmpty();
  std::set<std::string> wanted;
  for (const auto& m : data_matchers) wanted.insert(m.name());

  AtModifier at;
  int64_t offset = 0;
  ReferenceOf(*call.args[0], ev, at, offset);
  int64_t lookback = ev.options().lookback_delta_ms;
  int64_t first_ref = (at.present() ? at.t_ms : ev.start_ms()) - offset;
  int64_t last_ref = (at.present() ? at.t_ms : ev.end_ms()) - offset;
  storage::Matchers fetch = name_matchers;
  fetch.insert(fetch.end(), data_matchers.begin(), data_matchers.end());
  Matrix infos = ev.Fetch(fetch, first_ref - lookback + 1, last_ref);

  auto is_info_metric = [&](const storage::Labels& ls) {
    if (!ls.Has(storage::kMetricName)) return false;
    for (const auto& m : name_matchers) {
      if (!m.Matches(ls.MetricName())) return false;
    }
    return true;
  };

  eval::StepVectors steps(base.series, ev.start_ms(), ev.step_ms());
  eval::OutputBuilder out;
  for (size_t i = 0; i < ev.num_steps(); ++i) {
    int64_t t = ev.StepTime(i);
    int64_t ref = (at.present() ? at.t_ms : t) - offset;
    for (const Sample& s : steps.At(i)) {
      if (!s.drop_name && is_info_metric(s.metric)) {
        if (!out.Add(i, t, s)) ev.FailExec("vector cannot contain metrics with the same labelset");
        continue;
      }
      // Latest matching info series per info metric name.
      std::map<std::string, InfoSample> chosen;
      for (const auto& info : infos) {
        bool same_ids = true;
        for (const auto& id : IdentifyingLabels()) same_ids = same_ids && info.metric.Get(id) == s.metric.Get(id);
        if (!same_ids) continue;
        int64_t ts;
        if (!LatestAt(info, ref, lookback, ts)) continue;
        std::string name(info.metric.MetricName());
        auto it = chosen.find(name);
        if (it == chosen.end() || it->second.t_ms < ts) chosen[name] = InfoSample{&info, ts};
      }
      if (chosen.empty()) {
        if (data_must_match) continue;
        if (!out.Add(i, t, s)) ev.FailExec("vector cannot contain metrics with the same labelset");
        continue;
      }
      storage::Labels enriched = s.metric;
      std::map<std::string, std::string> added;
      for (const auto& [name, is] : chosen) {
        for (const auto& l : is.series->metric) {
          if (l.name == storage::kMetricName || l.name == "instance" || l.name == "job") continue;
          if (!wanted.empty() && !wanted.count(l.name)) continue;
          if (s.metric.Has(l.name)) continue;
          auto [it, inserted] = added.emplace(l.name, l.value);
          if (!inserted && it->second != l.value) {
            ev.FailExec("conflicting label: " + l.name + " has values " + GoQuote(it->second) + " and " +
                        GoQuote(l.value) + " in info metrics");
          }
          enriched = enriched.With(l.name, l.value);
        }
      }
      Sample r{std::move(enriched), t, s.f, s.drop_name};
      if (!out.Add(i, t, std::move(r))) ev.FailExec("vector cannot contain metrics with the same labelset");
    }
  }
  eval::StepValue v;
  v.type = ValueType::kVector;
  v.series = out.Take();
  return v;
}

}  // namespace cairn::promql::functions
