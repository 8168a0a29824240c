#include "promql/eval/step_value.h"

namespace cairn::promql::eval {

StepVectors::StepVectors(const Matrix& m, int64_t start_ms, int64_t step_ms)
    : m_(m), start_ms_(start_ms), step_ms_(step_ms), cursor_(m.size(), 0) {}

const Vector& StepVectors::At(size_t i) {
  int64_t t = start_ms_ + static_cast<int64_t>(i) * step_ms_;
  out_.clear();
  for (size_t s = 0; s < m_.size(); ++s) {
    const auto& pts = m_[s].floats;
    size_t& c = cursor_[s];
    while (c < pts.size() && pts[c].t_ms < t) ++c;
    if (c < pts.size() && pts[c].t_ms == t) {
      out_.push_back(Sample{m_[s].metric, t, pts[c].f, m_[s].drop_name});
    }
  }
  return out_;
}

bool OutputBuilder::Add(size_t step, int64_t t_ms, const Sample& s) {
  Sample copy = s;
  return Add(step, t_ms, std::move(copy));
}

bool OutputBuilder::Add(size_t step, int64_t t_ms, Sample&& s) {
  auto it = by_labels_.find(s.metric);
  if (it == by_labels_.end()) {
    Series series;
    series.metric = s.metric;
    series.drop_name = s.drop_name;
    series.floats.push_back({t_ms, s.f});
    by_labels_.emplace(std::move(s.metric), Slot{out_.size(), step});
    out_.push_back(std::move(series));
    return true;
  }
  Series& series = out_[it->second.index];
  if (it->second.last_step == step) return false;
  it->second.last_step = step;
  series.floats.push_back({t_ms, s.f});
  series.drop_name = series.drop_name || s.drop_name;
  return true;
}

Matrix OutputBuilder::Take() {
  by_labels_.clear();
  return std::move(out_);
}

}  // namespace cairn::promql::eval
