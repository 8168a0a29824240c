#include "promql/engine.h"

#include <new>
#include <stdexcept>

#include "promql/eval/evaluator.h"

namespace cairn::promql {

namespace {

// Runs one evaluation and turns the evaluator's private abort (sample limit,
// timeout, cancellation) and allocation failures into a Status; no exception
// leaves the engine. `body` fills the result's value.
template <typename Body>
Result<QueryResult> Run(eval::Evaluator& ev, Body&& body) {
  QueryResult result;
  try {
    Status st = body(result);
    if (!st.ok()) return st;
  } catch (const eval::EvalAbort& abort) {
    return abort.status;
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory in query execution");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("query execution failed: ") + e.what());
  }
  result.annotations = std::move(ev.annotations());
  result.stats = ev.stats();
  return result;
}

}  // namespace

Result<QueryResult> Engine::InstantQuery(storage::Queryable& queryable, const Expr& expr, int64_t t_ms,
                                         const QueryOptions& opts) const {
  eval::Evaluator ev(queryable, opts, t_ms, t_ms, 1);
  ev.SetQueryBounds(t_ms, t_ms, 0);
  return Run(ev, [&](QueryResult& result) -> Status {
    eval::StepValue v = ev.Eval(expr);
    switch (v.type) {
      case ValueType::kScalar:
        result.value = Scalar{t_ms, v.scalars.at(0)};
        break;
      case ValueType::kString:
        result.value = String{t_ms, v.str};
        break;
      case ValueType::kVector: {
        ev.DropNames(v.series);
        Vector out;
        out.reserve(v.series.size());
        for (auto& s : v.series) {
          if (s.floats.empty()) continue;
          out.push_back(Sample{std::move(s.metric), t_ms, s.floats.front().f, false});
        }
        result.value = std::move(out);
        break;
      }
      case ValueType::kMatrix:
        ev.DropNames(v.series);
        result.value = std::move(v.series);
        break;
      default:
        return Status::Internal("expression has no value type");
    }
    return Status::OK();
  });
}

Result<QueryResult> Engine::RangeQuery(storage::Queryable& queryable, const Expr& expr, int64_t start_ms,
                                       int64_t end_ms, int64_t step_ms, const QueryOptions& opts) const {
  if (step_ms <= 0) return Status::InvalidArgument("zero or negative query resolution step widths are not accepted");
  if (end_ms < start_ms) return Status::InvalidArgument("end timestamp must not be before start time");
  ValueType type = TypeOf(expr);
  if (type != ValueType::kScalar && type != ValueType::kVector) {
    return Status::InvalidArgument("invalid expression type \"" + std::string(ValueTypeName(type)) +
                                   "\" for range query, must be Scalar or instant Vector");
  }
  if ((end_ms - start_ms) / step_ms + 1 > opts.max_samples) {
    return Status::ResourceExhausted("query processing would load too many samples into memory in query execution");
  }
  eval::Evaluator ev(queryable, opts, start_ms, end_ms, step_ms);
  return Run(ev, [&](QueryResult& result) -> Status {
    eval::StepValue v = ev.Eval(expr);
    Matrix m;
    if (v.type == ValueType::kScalar) {
      Series s;
      for (size_t i = 0; i < v.scalars.size(); ++i) s.floats.push_back({ev.StepTime(i), v.scalars[i]});
      m.push_back(std::move(s));
    } else {
      ev.DropNames(v.series);
      m = std::move(v.series);
      std::erase_if(m, [](const Series& s) { return s.floats.empty(); });
    }
    SortMatrix(m);
    result.value = std::move(m);
    return Status::OK();
  });
}

}  // namespace cairn::promql
