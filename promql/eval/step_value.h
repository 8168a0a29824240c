// StepValue: what one AST node evaluates to over all steps of a query.
//
// The evaluator works series-major: an instant-vector node yields a Matrix
// whose points sit at step timestamps (a series may miss steps), a scalar node
// one value per step, a range-vector node (only at the top of an instant
// query) the raw points of each series. Operators that combine series per
// step (binary operators, aggregations, most functions) go through
// StepVectors (series → per-step vectors) and OutputBuilder (per-step vectors
// → series), like Prometheus' rangeEval.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "promql/ast.h"
#include "promql/value.h"

namespace cairn::promql::eval {

struct StepValue {
  ValueType type = ValueType::kNone;
  Matrix series;                // kVector (points at step times) and kMatrix (raw points)
  std::vector<double> scalars;  // kScalar: one per step
  std::string str;              // kString
};

// Per-step instant vectors from a series-major matrix whose points sit at
// step timestamps. Call At(i) for steps i = 0, 1, ... in increasing order.
class StepVectors {
 public:
  StepVectors(const Matrix& m, int64_t start_ms, int64_t step_ms);
  // The samples present at step i (t = start + i*step).
  const Vector& At(size_t i);

 private:
  const Matrix& m_;
  int64_t start_ms_, step_ms_;
  std::vector<size_t> cursor_;
  Vector out_;
};

// Collects per-step output vectors into series keyed by label set (and the
// drop-name flag). Returns false from Add when one step would hold two samples
// with the same labels.
class OutputBuilder {
 public:
  bool Add(size_t step, int64_t t_ms, const Sample& s);
  bool Add(size_t step, int64_t t_ms, Sample&& s);
  Matrix Take();

 private:
  struct Slot {
    size_t index;
    size_t last_step;
  };
  std::unordered_map<storage::Labels, Slot, storage::LabelsHash> by_labels_;
  Matrix out_;
};

}  // namespace cairn::promql::eval
