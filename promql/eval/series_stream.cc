#include "promql/eval/series_stream.h"

#include <algorithm>

#include "promql/eval/evaluator.h"
#include "storage/sample.h"

namespace cairn::promql::eval {

SeriesStream::~SeriesStream() { Finish(); }

std::unique_ptr<SeriesStream> SeriesStream::FromStorage(Evaluator& ev, storage::Queryable& q, const storage::Matchers& matchers,
                                       int64_t mint, int64_t maxt, int64_t step_ms, bool keep_stale) {
  std::unique_ptr<SeriesStream> s(new SeriesStream(ev));
  s->keep_stale_ = keep_stale;
  if (maxt < mint) return s;
  auto querier = q.NewQuerier(mint, maxt);
  if (!querier.ok()) ev.Fail(querier.status());
  s->querier_ = std::move(*querier);
  storage::SelectHints hints;
  hints.start_ms = mint;
  hints.end_ms = maxt;
  hints.step_ms = step_ms;
  s->set_ = s->querier_->Select(hints, matchers);
  return s;
}

std::unique_ptr<SeriesStream> SeriesStream::FromMatrix(Evaluator& ev, Matrix m, int64_t counted) {
  std::unique_ptr<SeriesStream> s(new SeriesStream(ev));
  s->from_matrix_ = true;
  s->matrix_ = std::move(m);
  s->matrix_counted_ = counted;
  return s;
}

void SeriesStream::ReleaseWindow() {
  ev_->ReleaseSamples(counted_);
  counted_ = 0;
  window_.clear();
  window_starts_.clear();
  head_ = 0;
}

void SeriesStream::Finish() {
  ReleaseWindow();
  ev_->ReleaseSamples(matrix_counted_);
  matrix_counted_ = 0;
  matrix_.clear();
  it_.reset();
}

bool SeriesStream::NextSeries() {
  if (from_matrix_) {
    if (next_series_ >= matrix_.size()) {
      Finish();
      return false;
    }
    const Series& s = matrix_[next_series_++];
    metric_ = &s.metric;
    drop_name_ = s.drop_name;
    lo_idx_ = hi_idx_ = 0;
    return true;
  }
  ReleaseWindow();
  it_.reset();
  if (!set_) return false;
  if (!set_->Next()) {
    if (!set_->status().ok()) ev_->Fail(set_->status());
    for (const auto& w : set_->Warnings()) ev_->annotations().AddWarning(w);
    set_.reset();
    Finish();
    return false;
  }
  const storage::Series& s = set_->At();
  metric_ = &s.labels();
  drop_name_ = false;
  it_ = s.Iterator();
  it_done_ = false;
  pending_ = false;
  latest_.reset();
  return true;
}

void SeriesStream::DropThrough(int64_t lo_excl) {
  size_t h = head_;
  while (h < window_.size() && window_[h].t_ms <= lo_excl) ++h;
  if (h == head_) return;
  ev_->ReleaseSamples(static_cast<int64_t>(h - head_));
  counted_ -= static_cast<int64_t>(h - head_);
  head_ = h;
  // Reuse the buffer's front once the dropped part outweighs the rest.
  if (head_ == window_.size()) {
    window_.clear();
    window_starts_.clear();
    head_ = 0;
  } else if (head_ > 64 && head_ * 2 > window_.size()) {
    window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(head_));
    if (!window_starts_.empty()) {
      window_starts_.erase(window_starts_.begin(), window_starts_.begin() + static_cast<std::ptrdiff_t>(head_));
    }
    head_ = 0;
  }
}

std::optional<storage::Sample> SeriesStream::NextUpTo(int64_t hi_incl) {
  if (it_done_) return std::nullopt;
  if (!pending_) {
    if (!it_->Next()) {
      it_done_ = true;
      if (!it_->status().ok()) ev_->Fail(it_->status());
      return std::nullopt;
    }
    ev_->CountRead(1);
  }
  const storage::Sample smp = it_->At();
  pending_ = smp.t_ms > hi_incl;
  if (pending_) return std::nullopt;
  return smp;
}

void SeriesStream::Pull(int64_t hi_incl) {
  int64_t added = 0;
  while (const auto next = NextUpTo(hi_incl)) {
    const storage::Sample& smp = *next;
    if (!keep_stale_ && storage::IsStaleNaN(smp.v)) continue;
    const int64_t st = it_->AtST();
    // Start timestamps are kept only once a point has one (0 = none); the
    // points before it then get zeros.
    if (st != 0 || !window_starts_.empty()) {
      window_starts_.resize(window_.size(), 0);
      window_starts_.push_back(st);
    }
    window_.push_back({smp.t_ms, smp.v});
    ++added;
  }
  if (added > 0) {
    counted_ += added;
    ev_->AddSamples(added);
  }
}

std::span<const FPoint> SeriesStream::Window(int64_t lo_excl, int64_t hi_incl) {
  if (from_matrix_) {
    const auto& pts = matrix_[next_series_ - 1].floats;
    while (lo_idx_ < pts.size() && pts[lo_idx_].t_ms <= lo_excl) ++lo_idx_;
    hi_idx_ = std::max(lo_idx_, hi_idx_);
    while (hi_idx_ < pts.size() && pts[hi_idx_].t_ms <= hi_incl) ++hi_idx_;
    return {pts.data() + lo_idx_, hi_idx_ - lo_idx_};
  }
  DropThrough(lo_excl);
  // A window past everything held: skip the iterator ahead instead of
  // reading the gap sample by sample.
  if (head_ == window_.size() && !it_done_ && !(pending_ && it_->At().t_ms > lo_excl)) {
    pending_ = false;
    if (it_->Seek(lo_excl + 1)) {
      pending_ = true;
      ev_->CountRead(1);
    } else {
      it_done_ = true;
      if (!it_->status().ok()) ev_->Fail(it_->status());
    }
  }
  Pull(hi_incl);
  return {window_.data() + head_, window_.size() - head_};
}

std::span<const int64_t> SeriesStream::WindowStarts() const {
  if (from_matrix_) {
    const auto& starts = matrix_[next_series_ - 1].starts;
    if (starts.empty()) return {};
    return {starts.data() + lo_idx_, hi_idx_ - lo_idx_};
  }
  if (window_starts_.empty()) return {};
  return {window_starts_.data() + head_, window_starts_.size() - head_};
}

std::optional<SeriesStream::Latest> SeriesStream::LatestAt(int64_t ref, int64_t lookback_ms) {
  const int64_t oldest = ref - lookback_ms;  // exclusive
  // Everything up to the next unread point is older than the lookback window
  // (steps far apart): jump instead of reading the gap.
  if (!it_done_ && pending_ && it_->At().t_ms <= oldest) {
    pending_ = false;
    latest_.reset();
    if (it_->Seek(oldest + 1)) {
      pending_ = true;
      ev_->CountRead(1);
    } else {
      it_done_ = true;
      if (!it_->status().ok()) ev_->Fail(it_->status());
    }
  }
  while (const auto smp = NextUpTo(ref)) {
    if (!keep_stale_ && storage::IsStaleNaN(smp->v)) continue;
    latest_ = Latest{FPoint{smp->t_ms, smp->v}, it_->AtST()};
  }
  if (latest_ && latest_->point.t_ms > oldest) return latest_;
  return std::nullopt;
}

}  // namespace cairn::promql::eval
