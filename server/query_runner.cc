#include "server/query_runner.h"

#include <chrono>
#include <memory>
#include <optional>

#include "promql/parser/parser.h"
#include "promql/printer.h"
#include "server/api/api_error.h"
#include "server/ast_json.h"

namespace cairn::server {
namespace {

void WriteMetric(JsonWriter& w, const storage::Labels& metric, bool drop_name) {
  w.Key("metric");
  w.BeginObject();
  for (const auto& l : metric) {
    if (drop_name && l.name == storage::kMetricName) continue;
    w.Key(l.name);
    w.String(l.value);
  }
  w.EndObject();
}

void WritePoint(JsonWriter& w, int64_t t_ms, double v) {
  w.BeginArray();
  w.Timestamp(t_ms);
  w.FloatString(v);
  w.EndArray();
}

size_t SeriesCount(const promql::Value& v) {
  if (const auto* vec = std::get_if<promql::Vector>(&v)) return vec->size();
  if (const auto* m = std::get_if<promql::Matrix>(&v)) return m->size();
  return 0;
}

// A parse error as upstream's invalidParamError(err, "query") words it.
Status InvalidQuery(const Status& parse_error) { return api::InvalidParam("query", parse_error.message()); }

void Truncate(promql::Value& v, size_t limit) {
  if (auto* vec = std::get_if<promql::Vector>(&v)) vec->resize(limit);
  if (auto* m = std::get_if<promql::Matrix>(&v)) m->resize(limit);
}

}  // namespace

void WriteQueryData(JsonWriter& w, const promql::Value& value, const std::function<bool()>& flush) {
  auto more = [&flush] { return !flush || flush(); };
  w.Key("resultType");
  std::visit(
      [&w, &more](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, promql::Scalar>) {
          w.String("scalar");
          w.Key("result");
          WritePoint(w, v.t_ms, v.v);
        } else if constexpr (std::is_same_v<T, promql::String>) {
          w.String("string");
          w.Key("result");
          w.BeginArray();
          w.Timestamp(v.t_ms);
          w.String(v.v);
          w.EndArray();
        } else if constexpr (std::is_same_v<T, promql::Vector>) {
          w.String("vector");
          w.Key("result");
          w.BeginArray();
          for (const auto& s : v) {
            w.BeginObject();
            WriteMetric(w, s.metric, s.drop_name);
            w.Key("value");
            WritePoint(w, s.t_ms, s.f);
            w.EndObject();
            if (!more()) return;
          }
          w.EndArray();
        } else {
          w.String("matrix");
          w.Key("result");
          w.BeginArray();
          for (const auto& s : v) {
            w.BeginObject();
            WriteMetric(w, s.metric, s.drop_name);
            w.Key("values");
            w.BeginArray();
            for (const auto& p : s.floats) WritePoint(w, p.t_ms, p.f);
            w.EndArray();
            w.EndObject();
            if (!more()) return;
          }
          w.EndArray();
        }
      },
      value);
}

Result<api::QueryAnswer> QueryRunner::Run(const api::QueryRequest& req) const {
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  auto expr = promql::parser::ParseExpr(req.query);
  if (!expr.ok()) return InvalidQuery(expr.status());
  auto t1 = Clock::now();

  promql::QueryOptions opts;
  opts.lookback_delta_ms = req.lookback_delta_ms;
  opts.max_samples = max_samples_;
  opts.max_memory_bytes = max_memory_bytes_;
  opts.delayed_name_removal = delayed_name_removal_;
  opts.timeout = std::chrono::milliseconds(req.timeout_ms);
  opts.query_text = req.query;
  opts.cancel = req.cancel.get();
  auto result = req.range ? engine_.RangeQuery(queryable_, **expr, req.start_ms, req.end_ms, req.step_ms, opts)
                          : engine_.InstantQuery(queryable_, **expr, req.time_ms, opts);
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kCanceled) canceled_total_.fetch_add(1, std::memory_order_relaxed);
    return result.status();
  }
  auto t2 = Clock::now();

  api::QueryAnswer answer;
  if (req.limit > 0 && SeriesCount(result->value) > req.limit) {
    Truncate(result->value, req.limit);
    answer.warnings.push_back("results truncated due to limit");
  }
  const auto& notes = result->annotations;
  answer.warnings.insert(answer.warnings.end(), notes.warnings.begin(), notes.warnings.end());
  answer.infos = notes.infos;

  // The figures of `stats`, rendered after the value.
  struct Timings {
    double eval, prepare, total, queue;
  };
  auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  std::optional<Timings> timings;
  if (req.stats == "true" || req.stats == "all") {
    timings = Timings{seconds(t2 - t1), seconds(t1 - t0), seconds(t2 - t0), req.queue_seconds};
  }
  auto value = std::make_shared<promql::QueryResult>(std::move(result).value());
  answer.write_data = [value, timings](JsonWriter& w, const std::function<bool()>& flush) {
    w.BeginObject();
    WriteQueryData(w, value->value, flush);
    if (timings) {
      w.Key("stats");
      w.BeginObject();
      w.Key("timings");
      w.BeginObject();
      w.Key("evalTotalTime");
      w.Double(timings->eval);
      w.Key("resultSortTime");
      w.Double(0);
      w.Key("queryPreparationTime");
      w.Double(timings->prepare);
      w.Key("innerEvalTime");
      w.Double(timings->eval);
      w.Key("execQueueTime");
      w.Double(timings->queue);
      w.Key("execTotalTime");
      w.Double(timings->total);
      w.EndObject();
      w.Key("samples");
      w.BeginObject();
      w.Key("totalQueryableSamples");
      w.Int(value->stats.total_queryable_samples);
      w.Key("peakSamples");
      w.Int(value->stats.peak_samples);
      w.EndObject();
      w.EndObject();
    }
    w.EndObject();
  };
  return answer;
}

Result<std::string> QueryRunner::Format(std::string_view query) {
  auto expr = promql::parser::ParseExpr(query);
  if (!expr.ok()) return InvalidQuery(expr.status());
  return promql::Pretty(**expr);
}

namespace {
bool SelectsSeries(const promql::Expr& e) {
  if (e.As<promql::VectorSelector>() != nullptr || e.As<promql::MatrixSelector>() != nullptr) return true;
  bool found = false;
  promql::ForEachChild(e, [&](const promql::Expr& child) { found = found || SelectsSeries(child); });
  return found;
}
}  // namespace

Result<bool> QueryRunner::HasSelectors(std::string_view query) {
  auto expr = promql::parser::ParseExpr(query);
  if (!expr.ok()) return InvalidQuery(expr.status());
  return SelectsSeries(**expr);
}

Result<std::string> QueryRunner::ParseTree(std::string_view query) {
  auto expr = promql::parser::ParseExpr(query);
  if (!expr.ok()) return InvalidQuery(expr.status());
  std::string out;
  JsonWriter w(&out);
  WriteAstJson(w, **expr);
  return out;
}

}  // namespace cairn::server
