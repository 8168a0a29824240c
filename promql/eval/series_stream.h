// SeriesStream: the series of a selector or subquery, handed to the evaluator
// one series at a time, each read forward through per-step windows.
//
// Why: a range query over many series must not hold every raw sample of the
// whole range (that was 4x the output's size at a 15 s scrape and 60 s step,
// and most of the query's page faults). A stream holds one series' samples at
// a time, and of those only the ones inside the current window: points are
// pulled from the storage iterator as windows advance and dropped once a
// window has moved past them. A subquery's inner result is already in memory;
// the stream then walks that matrix with the same interface.
//
// Sample accounting: the points a window holds are counted with the
// evaluator's AddSamples/ReleaseSamples as they enter and leave it (so
// --query.max-samples and peakSamples see what is actually held), and every
// point read from storage counts once towards totalSamples.
//
// Per-sample start timestamps travel with the points: `window_starts_` is
// parallel to `window_` once any point of the series has one (as
// Series::starts is), filled in Pull and trimmed in DropThrough.
// Thread-safety: belongs to its evaluator's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "promql/value.h"
#include "storage/queryable.h"

namespace cairn::promql::eval {

class Evaluator;

class SeriesStream {
 public:
  // Releases whatever the stream still has counted.
  ~SeriesStream();
  SeriesStream(const SeriesStream&) = delete;
  SeriesStream& operator=(const SeriesStream&) = delete;

  // Series selected from storage with samples in [mint, maxt]. With
  // `keep_stale`, stale markers are returned as points; otherwise they are
  // skipped (range arguments never see them).
  static std::unique_ptr<SeriesStream> FromStorage(Evaluator& ev, storage::Queryable& q, const storage::Matchers& matchers,
                                  int64_t mint, int64_t maxt, int64_t step_ms, bool keep_stale);
  // The series of an evaluated matrix (a subquery's inner result). `counted`
  // samples were added to the evaluator for it; they are released when the
  // stream ends or is destroyed.
  static std::unique_ptr<SeriesStream> FromMatrix(Evaluator& ev, Matrix m, int64_t counted);

  // Advances to the next series; false at the end. Releases the previous
  // series' window. Storage errors abort the evaluation (Evaluator::Fail).
  bool NextSeries();
  const storage::Labels& metric() const { return *metric_; }
  bool drop_name() const { return drop_name_; }

  // The current series' points in (lo_excl, hi_incl], ascending. Successive
  // calls for one series must not move either bound backwards. The span is
  // valid until the next call.
  std::span<const FPoint> Window(int64_t lo_excl, int64_t hi_incl);
  // The start timestamps (0 = none) of the points Window() last returned,
  // parallel to them; empty when none of the series' points read so far
  // has one.
  std::span<const int64_t> WindowStarts() const;

  // Instant-vector lookup (storage streams only): the current series' last
  // point at or before `ref` if it is newer than ref - lookback_ms, stale
  // markers included when the stream keeps them, with its start timestamp
  // (0 = none). Successive refs for one series must not decrease. Holds that
  // one point, which is not counted: the caller counts what it outputs (as
  // Prometheus does).
  struct Latest {
    FPoint point;
    int64_t start_ms = 0;
  };
  std::optional<Latest> LatestAt(int64_t ref, int64_t lookback_ms);

 private:
  explicit SeriesStream(Evaluator& ev) : ev_(&ev) {}
  // The next storage sample if its t <= hi_incl (consumed, counted as read);
  // nullopt at the end of the series or when it lies later (kept pending).
  std::optional<storage::Sample> NextUpTo(int64_t hi_incl);
  // Pulls storage points with t <= hi_incl into the window.
  void Pull(int64_t hi_incl);
  // Drops window points with t <= lo_excl.
  void DropThrough(int64_t lo_excl);
  void ReleaseWindow();
  void Finish();

  Evaluator* ev_;
  bool keep_stale_ = false;
  const storage::Labels* metric_ = nullptr;
  bool drop_name_ = false;

  // Storage source.
  std::unique_ptr<storage::Querier> querier_;
  std::unique_ptr<storage::SeriesSet> set_;
  std::unique_ptr<storage::SeriesIterator> it_;
  bool it_done_ = false;
  bool pending_ = false;       // it_->At() has been read but lies beyond the last window
  std::optional<Latest> latest_;  // LatestAt()'s candidate
  std::vector<FPoint> window_;  // window_[head_..] are the current window's points
  std::vector<int64_t> window_starts_;  // parallel to window_, or empty when no start timestamp was seen
  size_t head_ = 0;
  int64_t counted_ = 0;         // window points currently added to the evaluator

  // Matrix source.
  Matrix matrix_;
  bool from_matrix_ = false;
  size_t next_series_ = 0;
  size_t lo_idx_ = 0, hi_idx_ = 0;
  int64_t matrix_counted_ = 0;
};

}  // namespace cairn::promql::eval
