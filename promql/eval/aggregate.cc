// Aggregations: sum avg count min max group stddev stdvar quantile (one value
// per group), topk bottomk limitk limit_ratio (a subset of the input series)
// and count_values (one series per distinct value).
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "promql/eval/evaluator.h"
#include "promql/eval/kahan.h"
#include "promql/value_format.h"

namespace cairn::promql::eval {

namespace {

// One group's running value at one step, for the aggregations that fold
// their inputs into one value.
struct Acc {
  bool seen = false;
  bool incremental_mean = false;
  bool drop_name = false;  // a member's __name__ is to be dropped (grouping by __name__)
  double value = 0, comp = 0, mean = 0;
  double count = 0;
};

struct Group : Acc {
  std::vector<size_t> members;  // topk/bottomk/limitk/limit_ratio/quantile
  std::vector<double> values;
};

storage::Labels GroupLabels(const storage::Labels& ls, const AggregateExpr& ae) {
  if (ae.without) {
    std::vector<std::string> drop = ae.grouping;
    drop.emplace_back(storage::kMetricName);
    return ls.Drop(drop);
  }
  return ls.Keep(ae.grouping);
}

void Accumulate(AggregateOp op, Acc& g, double f) {
  if (!g.seen) {
    g.seen = true;
    g.value = f;
    g.mean = f;
    g.comp = 0;
    g.count = 1;
    if (op == AggregateOp::kStddev || op == AggregateOp::kStdvar) g.value = std::isfinite(f) ? 0 : NAN;
    return;
  }
  g.count++;
  switch (op) {
    case AggregateOp::kSum:
      KahanInc(f, g.value, g.comp);
      break;
    case AggregateOp::kAvg:
      if (!g.incremental_mean) {
        double v = g.value, c = g.comp;
        KahanInc(f, v, c);
        if (!std::isinf(v)) {
          g.value = v;
          g.comp = c;
          break;
        }
        g.incremental_mean = true;
        g.mean = g.value / (g.count - 1);
        g.comp /= g.count - 1;
      }
      if (std::isinf(g.mean)) {
        if (std::isinf(f) && (g.mean > 0) == (f > 0)) break;
        if (!std::isinf(f) && !std::isnan(f)) break;
      }
      {
        double cur = g.mean + g.comp;
        KahanInc(f / g.count - cur / g.count, g.mean, g.comp);
      }
      break;
    case AggregateOp::kMax:
      if (g.value < f || std::isnan(g.value)) g.value = f;
      break;
    case AggregateOp::kMin:
      if (g.value > f || std::isnan(g.value)) g.value = f;
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      double delta = f - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (f - g.mean);
      break;
    }
    default:
      break;
  }
}

double Finish(AggregateOp op, const Acc& g) {
  switch (op) {
    case AggregateOp::kSum: return g.value + g.comp;
    case AggregateOp::kAvg:
      if (g.incremental_mean) return g.mean + g.comp;
      return g.value / g.count + g.comp / g.count;
    case AggregateOp::kCount: return g.count;
    case AggregateOp::kGroup: return 1;
    case AggregateOp::kStdvar: return g.value / g.count;
    case AggregateOp::kStddev: return std::sqrt(g.value / g.count);
    default: return g.value;
  }
}

// The aggregations that fold each group's inputs into one value per step,
// which can consume their input one series at a time.
bool Folds(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
    case AggregateOp::kAvg:
    case AggregateOp::kCount:
    case AggregateOp::kMin:
    case AggregateOp::kMax:
    case AggregateOp::kGroup:
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar:
      return true;
    default:
      return false;
  }
}

}  // namespace

double Quantile(double q, std::vector<double> values) {
  if (values.empty() || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  std::sort(values.begin(), values.end(), [](double a, double b) { return a < b || (std::isnan(a) && !std::isnan(b)); });
  double n = static_cast<double>(values.size());
  double rank = q * (n - 1);
  double lower = std::max(0.0, std::floor(rank));
  double upper = std::min(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) + values[static_cast<size_t>(upper)] * weight;
}

StepValue Evaluator::EvalAggregateStreamed(const AggregateExpr& ae) {
  // Each (group, step) accumulator sees its inputs in input-series order, as
  // the step-major loop of EvalAggregate feeds them, so results are the same
  // bit for bit; only one input series is held at a time.
  const AggregateOp op = ae.op;
  const bool by_name = !ae.without && std::find(ae.grouping.begin(), ae.grouping.end(), storage::kMetricName) !=
                                          ae.grouping.end();
  std::unordered_map<storage::Labels, size_t, storage::LabelsHash> index;
  std::vector<storage::Labels> group_labels;
  std::vector<bool> group_drop;
  std::vector<Acc> acc;  // group * num_steps_ + step
  EvalSeries(*ae.expr, [&](Series&& s) {
    // Held while it is folded in.
    const auto held = static_cast<int64_t>(s.floats.size());
    AddSamples(held);
    storage::Labels gl = GroupLabels(s.metric, ae);
    auto [it, inserted] = index.emplace(std::move(gl), group_labels.size());
    if (inserted) {
      AddSeries(it->first);
      group_labels.push_back(it->first);
      group_drop.push_back(false);
      acc.resize(acc.size() + num_steps_);
    }
    const size_t g = it->second;
    group_drop[g] = group_drop[g] || (by_name && s.drop_name);
    Acc* row = acc.data() + g * num_steps_;
    int64_t fresh = 0;
    for (const FPoint& p : s.floats) {
      Acc& a = row[static_cast<size_t>((p.t_ms - start_ms_) / step_ms_)];
      fresh += a.seen ? 0 : 1;
      Accumulate(op, a, p.f);
    }
    // The accumulators become the output points: count them as held.
    if (fresh > 0) AddSamples(fresh);
    ReleaseSamples(held);
  });
  StepValue out;
  out.type = ValueType::kVector;
  for (size_t g = 0; g < group_labels.size(); ++g) {
    Series res;
    const Acc* row = acc.data() + g * num_steps_;
    for (size_t i = 0; i < num_steps_; ++i) {
      if (row[i].seen) res.floats.push_back({StepTime(i), Finish(op, row[i])});
    }
    if (res.floats.empty()) continue;
    res.metric = std::move(group_labels[g]);
    res.drop_name = group_drop[g];
    out.series.push_back(std::move(res));
  }
  return out;
}

StepValue Evaluator::EvalAggregate(const AggregateExpr& ae, const Expr& e) {
  AggregateOp op = ae.op;
  if (!ae.param && Folds(op) && StreamsSeries(*ae.expr)) return EvalAggregateStreamed(ae);
  StepValue param;
  if (ae.param) param = Eval(*ae.param);
  StepValue in = Eval(*ae.expr);
  const Matrix& m = in.series;

  // Group of each input series, in order of first appearance.
  std::vector<size_t> group_of(m.size());
  std::vector<storage::Labels> group_labels;
  {
    std::unordered_map<storage::Labels, size_t, storage::LabelsHash> index;
    for (size_t s = 0; s < m.size(); ++s) {
      storage::Labels gl = GroupLabels(m[s].metric, ae);
      auto [it, inserted] = index.emplace(gl, group_labels.size());
      if (inserted) group_labels.push_back(std::move(gl));
      group_of[s] = it->second;
    }
  }

  // Grouping by __name__ keeps names that are still to be dropped, so the
  // drop flag travels with the group (Prometheus 3.x delayed name removal).
  bool by_name = !ae.without && std::find(ae.grouping.begin(), ae.grouping.end(), storage::kMetricName) !=
                                    ae.grouping.end();
  if ((op == AggregateOp::kTopk || op == AggregateOp::kBottomk || op == AggregateOp::kLimitk) &&
      !param.scalars.empty()) {
    // As rangeEvalAgg: unless every k is below 1 (nothing to select), a k
    // beyond int64 at any step fails the whole query.
    double max_k = -INFINITY, min_k = INFINITY;
    for (double k : param.scalars) {
      if (std::isnan(k)) continue;
      max_k = std::max(max_k, k);
      min_k = std::min(min_k, k);
    }
    if (max_k >= 1) {
      if (max_k > 9223372036854774784.0) FailExec("Scalar value " + FormatGoG(max_k) + " overflows int64");
      if (min_k < -9223372036854775808.0) FailExec("Scalar value " + FormatGoG(min_k) + " underflows int64");
    }
  }
  std::string cv_label;
  if (op == AggregateOp::kCountValues) {
    cv_label = param.str;
    if (cv_label.empty() || !storage::IsValidUtf8(cv_label)) {
      FailExec("invalid label name " + GoQuote(cv_label));
    }
  }

  // One output series per group for the aggregations that yield one value
  // per group; the builder for those that pass input series through.
  Matrix group_out(group_labels.size());
  for (size_t g = 0; g < group_labels.size(); ++g) group_out[g].metric = group_labels[g];
  OutputBuilder builder;
  std::vector<size_t> cursor(m.size(), 0);
  std::vector<Group> groups(group_labels.size());
  std::vector<std::pair<size_t, double>> present;  // (series, value) at this step
  for (size_t i = 0; i < num_steps_; ++i) {
    if ((i & 1023) == 1023) CheckInterrupt();
    int64_t t = StepTime(i);
    present.clear();
    for (size_t s = 0; s < m.size(); ++s) {
      const auto& pts = m[s].floats;
      size_t& c = cursor[s];
      while (c < pts.size() && pts[c].t_ms < t) ++c;
      if (c < pts.size() && pts[c].t_ms == t) present.emplace_back(s, pts[c].f);
    }
    if (op == AggregateOp::kTopk || op == AggregateOp::kBottomk || op == AggregateOp::kLimitk) {
      if (std::isnan(param.scalars[i])) FailExec("Parameter value is NaN");
    } else if (op == AggregateOp::kLimitRatio && std::isnan(param.scalars[i])) {
      FailExec("Ratio value is NaN");
    }
    if (present.empty()) continue;
    for (auto& g : groups) g = Group{};
    auto emit = [&](Sample&& smp) {
      if (!builder.Add(i, t, std::move(smp))) FailExec("vector cannot contain metrics with the same labelset");
    };

    switch (op) {
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk:
      case AggregateOp::kLimitk: {
        double p = param.scalars[i];
        if (std::isnan(p)) FailExec("Parameter value is NaN");
        int64_t k = p >= 9.2e18 ? std::numeric_limits<int64_t>::max()
                                : (p <= -9.2e18 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(p));
        if (k < 1) break;
        for (size_t j = 0; j < present.size(); ++j) groups[group_of[present[j].first]].members.push_back(j);
        for (auto& g : groups) {
          auto& mem = g.members;
          if (mem.empty()) continue;
          if (op != AggregateOp::kLimitk) {
            bool top = op == AggregateOp::kTopk;
            auto better = [&](size_t a, size_t b) {
              double x = present[a].second, y = present[b].second;
              if (std::isnan(x)) return false;
              if (std::isnan(y)) return true;
              return top ? x > y : x < y;
            };
            std::stable_sort(mem.begin(), mem.end(), better);
          }
          size_t n = std::min<size_t>(mem.size(), static_cast<size_t>(std::min<int64_t>(k, 1 << 30)));
          for (size_t j = 0; j < n; ++j) {
            const auto& [s, f] = present[mem[j]];
            emit(Sample{m[s].metric, t, f, m[s].drop_name});
          }
        }
        break;
      }
      case AggregateOp::kLimitRatio: {
        double r = param.scalars[i];
        if (std::isnan(r)) FailExec("Ratio value is NaN");
        if (r > 1 || r < -1) {
          double capped = r > 1 ? 1 : -1;
          Warn(*ae.param, "ratio value should be between -1 and 1, got " + FormatGoG(r) + ", capping to " +
                              FormatGoG(capped));
          r = capped;
        }
        for (const auto& [s, f] : present) {
          double h = static_cast<double>(m[s].metric.Hash()) / static_cast<double>(std::numeric_limits<uint64_t>::max());
          bool keep = r >= 0 ? h < r : h >= 1.0 + r;
          if (keep) emit(Sample{m[s].metric, t, f, m[s].drop_name});
        }
        break;
      }
      case AggregateOp::kCountValues: {
        std::unordered_map<storage::Labels, double, storage::LabelsHash> counts;
        std::vector<storage::Labels> order;
        // As upstream, the value label is set on the series first and the
        // grouping applies to the result: `without (<label>)` can remove it.
        std::vector<std::string> by = ae.grouping;
        if (!ae.without) by.push_back(cv_label);
        for (const auto& [s, f] : present) {
          storage::Labels with_value = m[s].metric.With(cv_label, FormatGoF(f));
          storage::Labels ls = ae.without ? GroupLabels(with_value, ae) : with_value.Keep(by);
          auto [it, inserted] = counts.emplace(ls, 0);
          if (inserted) order.push_back(ls);
          it->second++;
        }
        for (auto& ls : order) {
          double c = counts[ls];
          emit(Sample{std::move(ls), t, c, false});
        }
        break;
      }
      case AggregateOp::kQuantile: {
        double q = param.scalars[i];
        if (std::isnan(q) || q < 0 || q > 1) {
          Warn(*ae.param, "quantile value should be between 0 and 1, got " + FormatGoG(q));
        }
        for (const auto& [s, f] : present) {
          groups[group_of[s]].values.push_back(f);
          groups[group_of[s]].drop_name |= by_name && m[s].drop_name;
        }
        for (size_t g = 0; g < groups.size(); ++g) {
          if (groups[g].values.empty()) continue;
          group_out[g].floats.push_back({t, Quantile(q, groups[g].values)});
          group_out[g].drop_name = group_out[g].drop_name || groups[g].drop_name;
        }
        break;
      }
      default: {
        for (const auto& [s, f] : present) {
          Accumulate(op, groups[group_of[s]], f);
          groups[group_of[s]].drop_name |= by_name && m[s].drop_name;
        }
        for (size_t g = 0; g < groups.size(); ++g) {
          if (!groups[g].seen) continue;
          group_out[g].floats.push_back({t, Finish(op, groups[g])});
          group_out[g].drop_name = group_out[g].drop_name || groups[g].drop_name;
        }
      }
    }
  }
  StepValue out;
  out.type = ValueType::kVector;
  out.series = builder.Take();
  for (auto& g : group_out) {
    if (!g.floats.empty()) out.series.push_back(std::move(g));
  }
  return out;
}

}  // namespace cairn::promql::eval
