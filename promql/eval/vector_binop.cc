// Vector/vector binary operators: one-to-one and many-to-one matching
// (on/ignoring, group_left/group_right), fill modifiers, and the set
// operators and/or/unless.
//
// Work per step is kept to array lookups: every input series gets its match
// signature interned once, and every (many, one) pair its output series once;
// the per-step loops then only compare small integers.
#include <algorithm>
#include <unordered_map>

#include "promql/eval/binop.h"
#include "promql/eval/evaluator.h"
#include "promql/value_format.h"

namespace cairn::promql::eval {

namespace {

// Match signature of a series: the values of the `on` labels, or of all
// labels but the `ignoring` ones and the metric name.
std::string Signature(const storage::Labels& ls, const VectorMatching& m) {
  std::string key;
  auto add = [&](std::string_view name, std::string_view value) {
    key.append(name);
    key += '\xff';
    key.append(value);
    key += '\xfe';
  };
  if (m.on) {
    for (const auto& name : m.matching_labels) add(name, ls.Get(name));
    return key;
  }
  for (const auto& l : ls) {
    if (l.name == storage::kMetricName) continue;
    if (std::find(m.matching_labels.begin(), m.matching_labels.end(), l.name) != m.matching_labels.end()) continue;
    add(l.name, l.value);
  }
  return key;
}

storage::Labels MatchedLabels(const storage::Labels& ls, const VectorMatching& m) {
  return m.on ? ls.Keep(m.matching_labels) : ls.Drop(m.matching_labels).WithoutMetricName();
}

storage::Labels ResultMetric(const storage::Labels& many, const storage::Labels* one, const VectorMatching& m) {
  storage::Labels out = many;
  if (m.card == Cardinality::kOneToOne) out = m.on ? out.Keep(m.matching_labels) : out.Drop(m.matching_labels);
  for (const auto& name : m.include_labels) out = out.With(name, one != nullptr ? one->Get(name) : std::string_view());
  return out;
}

// Per-step presence of a matrix's series (points sit at step times).
class StepCursor {
 public:
  StepCursor(const Matrix& m) : m_(m), pos_(m.size(), 0) {}
  // Fills `out` with (series, value) present at time t; steps must ascend.
  void At(int64_t t, std::vector<std::pair<uint32_t, double>>& out) {
    out.clear();
    for (size_t s = 0; s < m_.size(); ++s) {
      const auto& pts = m_[s].floats;
      size_t& c = pos_[s];
      while (c < pts.size() && pts[c].t_ms < t) ++c;
      if (c < pts.size() && pts[c].t_ms == t) out.emplace_back(static_cast<uint32_t>(s), pts[c].f);
    }
  }

 private:
  const Matrix& m_;
  std::vector<size_t> pos_;
};

// Output series, found by label set once and then by slot number.
class Output {
 public:
  explicit Output(const Evaluator& ev) : ev_(ev) {}
  uint32_t Slot(storage::Labels metric) {
    auto [it, inserted] = index_.try_emplace(std::move(metric), static_cast<uint32_t>(out_.size()));
    if (inserted) {
      Series s;
      s.metric = it->first;
      out_.push_back(std::move(s));
      last_step_.push_back(SIZE_MAX);
    }
    return it->second;
  }
  void Add(uint32_t slot, size_t step, int64_t t, double v, bool drop_name) {
    if (last_step_[slot] == step) ev_.FailExec("vector cannot contain metrics with the same labelset");
    last_step_[slot] = step;
    out_[slot].floats.push_back({t, v});
    out_[slot].drop_name = out_[slot].drop_name || drop_name;
  }
  Matrix Take() {
    std::erase_if(out_, [](const Series& s) { return s.floats.empty(); });
    return std::move(out_);
  }

 private:
  const Evaluator& ev_;
  std::unordered_map<storage::Labels, uint32_t, storage::LabelsHash> index_;
  Matrix out_;
  std::vector<size_t> last_step_;
};

constexpr uint32_t kNone = UINT32_MAX;

}  // namespace

StepValue Evaluator::EvalVectorBinop(const BinaryExpr& be, const VectorMatching& m, const Matrix& lhs,
                                     const Matrix& rhs) {
  BinaryOp op = be.op;
  bool swapped = m.card == Cardinality::kOneToMany;
  const Matrix& many = swapped ? rhs : lhs;
  const Matrix& one = swapped ? lhs : rhs;

  std::unordered_map<std::string, uint32_t> sig_ids;
  auto intern = [&](const Matrix& side) {
    std::vector<uint32_t> ids(side.size());
    for (size_t s = 0; s < side.size(); ++s) {
      auto [it, _] = sig_ids.try_emplace(Signature(side[s].metric, m), static_cast<uint32_t>(sig_ids.size()));
      ids[s] = it->second;
    }
    return ids;
  };
  std::vector<uint32_t> many_sig = intern(many);
  std::vector<uint32_t> one_sig = intern(one);
  size_t num_sigs = sig_ids.size();

  Output output(*this);
  StepCursor many_cur(many), one_cur(one);
  std::vector<std::pair<uint32_t, double>> mv, ov;
  // Per-signature state stamped with the step it belongs to.
  std::vector<size_t> one_step(num_sigs, SIZE_MAX), many_step(num_sigs, SIZE_MAX), matched_step(num_sigs, SIZE_MAX);
  std::vector<uint32_t> one_pos(num_sigs, 0);
  std::vector<uint32_t> many_slot(many.size(), kNone), one_slot(one.size(), kNone);
  std::unordered_map<uint64_t, uint32_t> pair_slot;
  std::vector<size_t> claimed;  // output slot -> step it was claimed at (many-to-one)

  for (size_t i = 0; i < num_steps_; ++i) {
    if ((i & 1023) == 1023) CheckInterrupt();
    int64_t t = StepTime(i);
    many_cur.At(t, mv);
    one_cur.At(t, ov);
    if (mv.empty() && ov.empty()) continue;

    if (IsSetOp(op)) {
      // lhs is `many`, rhs is `one` here (set operators never swap).
      for (const auto& [s, f] : ov) one_step[one_sig[s]] = i;
      for (const auto& [s, f] : mv) many_step[many_sig[s]] = i;
      for (const auto& [s, f] : mv) {
        bool found = one_step[many_sig[s]] == i;
        if (op == BinaryOp::kOr || found == (op == BinaryOp::kAnd)) {
          if (many_slot[s] == kNone) many_slot[s] = output.Slot(many[s].metric);
          output.Add(many_slot[s], i, t, f, many[s].drop_name);
        }
      }
      if (op == BinaryOp::kOr) {
        for (const auto& [s, f] : ov) {
          if (many_step[one_sig[s]] == i) continue;
          if (one_slot[s] == kNone) one_slot[s] = output.Slot(one[s].metric);
          output.Add(one_slot[s], i, t, f, one[s].drop_name);
        }
      }
      continue;
    }
    // Nothing can match when a side is empty at this step (unless a fill
    // stands in for it): Prometheus answers nothing before any cardinality check.
    if ((mv.empty() && !m.fill_left) || (ov.empty() && !m.fill_right)) continue;

    for (uint32_t k = 0; k < ov.size(); ++k) {
      uint32_t s = ov[k].first;
      uint32_t sig = one_sig[s];
      if (one_step[sig] == i) {
        const Series& prev = one[ov[one_pos[sig]].first];
        std::string a = GoLabelsString(one[s].metric), b = GoLabelsString(prev.metric);
        if (b < a) std::swap(a, b);
        FailExec("found duplicate series for the match group " + GoLabelsString(MatchedLabels(one[s].metric, m)) +
                 " on the " + (swapped ? "left" : "right") + " hand-side of the operation: [" + a + ", " + b +
                 "];many-to-many matching not allowed: matching labels must be unique on one side");
      }
      one_step[sig] = i;
      one_pos[sig] = k;
    }

    // Combines one many-side sample (or a fill) with one one-side sample (or
    // a fill). `ms`/`os` are series indexes or kNone when filled.
    auto combine = [&](uint32_t ms, double mf, uint32_t os, double of, uint32_t sig) {
      uint64_t key = (static_cast<uint64_t>(ms + 1ULL) << 32) | static_cast<uint64_t>(os + 1ULL);
      auto it = pair_slot.find(key);
      if (it == pair_slot.end()) {
        storage::Labels metric = ms != kNone ? ResultMetric(many[ms].metric, os != kNone ? &one[os].metric : nullptr, m)
                                             : MatchedLabels(one[os].metric, m);
        // Arithmetic changes the metric's meaning: its name goes at once (as
        // upstream's resultMetric does), so group_left/right's uniqueness
        // check sees the labels the result will have.
        if (IsArithmetic(op)) metric.Erase({storage::kMetricName, "__type__", "__unit__"});
        it = pair_slot.emplace(key, output.Slot(std::move(metric))).first;
      }
      uint32_t slot = it->second;
      // Cardinality is checked before a comparison filters the pair out, as
      // Prometheus 3.x does (2.x checked only kept pairs).
      if (m.card == Cardinality::kOneToOne) {
        if (matched_step[sig] == i) {
          FailExec("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
        }
        matched_step[sig] = i;
      } else {
        if (claimed.size() <= slot) claimed.resize(slot + 1, SIZE_MAX);
        if (claimed[slot] == i) FailExec("multiple matches for labels: grouping labels must ensure unique matches");
        claimed[slot] = i;
      }
      double fl = mf, fr = of;
      if (swapped) std::swap(fl, fr);
      bool keep;
      double v = ElemBinop(op, fl, fr, keep);
      if (be.return_bool) {
        v = keep ? 1 : 0;
      } else if (!keep) {
        return;
      }
      bool drop = be.return_bool || IsArithmetic(op) || ms == kNone || many[ms].drop_name;
      output.Add(slot, i, t, v, drop);
    };

    // As in Prometheus, fill_left/fill_right apply to the sides after
    // group_right swapped them: fill_left fills the "many" side.
    for (const auto& [s, f] : mv) {
      uint32_t sig = many_sig[s];
      many_step[sig] = i;
      if (one_step[sig] == i) {
        uint32_t os = ov[one_pos[sig]].first;
        combine(s, f, os, ov[one_pos[sig]].second, sig);
      } else if (m.fill_right) {
        combine(s, f, kNone, *m.fill_right, sig);
      }
    }
    if (m.fill_left) {
      for (const auto& [s, f] : ov) {
        uint32_t sig = one_sig[s];
        if (many_step[sig] == i) continue;
        combine(kNone, *m.fill_left, s, f, sig);
      }
    }
  }
  StepValue out;
  out.type = ValueType::kVector;
  out.series = output.Take();
  return out;
}

}  // namespace cairn::promql::eval
