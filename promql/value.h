// PromQL result values: Scalar, String, Vector (instant) and Matrix (range),
// plus the annotations (warnings and infos) that travel with a result.
//
// These mirror Prometheus' promql.Value types. Only float samples exist here:
// native histograms are out of scope for Cairn's engine. Series labels are
// storage::Labels. `drop_name` marks a series whose __name__ must be removed
// when the result leaves the engine (Prometheus 3.x delayed name removal).
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "storage/labels.h"

namespace cairn::promql {

// One float point of a series.
struct FPoint {
  int64_t t_ms = 0;
  double f = 0;
};

// One element of an instant vector.
struct Sample {
  storage::Labels metric;
  int64_t t_ms = 0;
  double f = 0;
  bool drop_name = false;
};

// One series of a matrix; points ascend by time.
struct Series {
  storage::Labels metric;
  std::vector<FPoint> floats;
  bool drop_name = false;
  // Per-point start timestamps (ms, 0 = none), parallel to `floats`; empty
  // when no point has one. Only raw samples fetched from storage carry them:
  // rate, increase, irate, resets and start_timestamp() read them.
  std::vector<int64_t> starts;
};

using Vector = std::vector<Sample>;
using Matrix = std::vector<Series>;

struct Scalar {
  int64_t t_ms = 0;
  double v = 0;
};

struct String {
  int64_t t_ms = 0;
  std::string v;
};

// Annotations as the HTTP API renders them, e.g.
// "PromQL warning: encountered a mix of histograms and floats ... (1:5)".
// Duplicates are suppressed on insertion.
struct Annotations {
  std::vector<std::string> warnings;
  std::vector<std::string> infos;

  void AddWarning(std::string text);
  void AddInfo(std::string text);
  void Merge(const Annotations& other);
  bool empty() const { return warnings.empty() && infos.empty(); }
};

using Value = std::variant<Scalar, String, Vector, Matrix>;

// Removes stale-marker points (and their start timestamps) from `s`.
void DropStaleMarkers(Series& s);

// Sorts a matrix by label set (Labels::Compare), as range query results are.
void SortMatrix(Matrix& m);

}  // namespace cairn::promql
