#include "server/query_runner.h"

#include <chrono>
#include <memory>

#include "promql/parser/parser.h"
#include "promql/printer.h"
#include "server/ast_json.h"

namespace cairn::server {
namespace {

void WriteMetric(api::JsonWriter& w, const storage::Labels& metric, bool drop_name) {
  w.Key("metric");
  w.BeginObject();
  for (const auto& l : metric) {
    if (drop_name && l.name == storage::kMetricName) continue;
    w.Key(l.name);
    w.String(l.value);
  }
  w.EndObject();
}

void WritePoint(api::JsonWriter& w, int64_t t_ms, double v) {
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

void Truncate(promql::Value& v, size_t limit) {
  if (auto* vec = std::get_if<promql::Vector>(&v)) vec->resize(limit);
  if (auto* m = std::get_if<promql::Matrix>(&v)) m->resize(limit);
}

}  // namespace

void WriteQueryData(api::JsonWriter& w, const promql::Value& value) {
  w.Key("resultType");
  std::visit(
      [&w](const auto& v) {
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
  if (!expr.ok()) return Status::InvalidArgument(expr.status().message());
  auto t1 = Clock::now();

  promql::QueryOptions opts;
  opts.lookback_delta_ms = req.lookback_delta_ms;
  opts.max_samples = max_samples_;
  opts.timeout = std::chrono::milliseconds(req.timeout_ms);
  opts.query_text = req.query;
  auto result = req.range ? engine_.RangeQuery(queryable_, **expr, req.start_ms, req.end_ms, req.step_ms, opts)
                          : engine_.InstantQuery(queryable_, **expr, req.time_ms, opts);
  if (!result.ok()) return result.status();
  auto t2 = Clock::now();

  api::QueryAnswer answer;
  answer.warnings = result->annotations.warnings;
  answer.infos = result->annotations.infos;
  if (req.limit > 0 && SeriesCount(result->value) > req.limit) {
    Truncate(result->value, req.limit);
    answer.warnings.push_back("results truncated due to limit");
  }
  const bool with_stats = req.stats == "true" || req.stats == "all";
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const double prep_s = seconds(t1 - t0), eval_s = seconds(t2 - t1), total_s = seconds(t2 - t0);
  answer.write_data = [result = std::make_shared<promql::QueryResult>(std::move(result).value()), with_stats, prep_s,
                       eval_s, total_s](api::JsonWriter& w) {
    w.BeginObject();
    WriteQueryData(w, result->value);
    if (with_stats) {
      w.Key("stats");
      w.BeginObject();
      w.Key("timings");
      w.BeginObject();
      w.Key("evalTotalTime");
      w.Double(eval_s);
      w.Key("resultSortTime");
      w.Double(0);
      w.Key("queryPreparationTime");
      w.Double(prep_s);
      w.Key("innerEvalTime");
      w.Double(eval_s);
      w.Key("execQueueTime");
      w.Double(0);
      w.Key("execTotalTime");
      w.Double(total_s);
      w.EndObject();
      w.Key("samples");
      w.BeginObject();
      w.Key("totalQueryableSamples");
      w.Int(result->stats.total_queryable_samples);
      w.Key("peakSamples");
      w.Int(result->stats.peak_samples);
      w.EndObject();
      w.EndObject();
    }
    w.EndObject();
  };
  return answer;
}

Result<std::string> QueryRunner::Format(std::string_view query) {
  auto expr = promql::parser::ParseExpr(query);
  if (!expr.ok()) return Status::InvalidArgument(expr.status().message());
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
  if (!expr.ok()) return Status::InvalidArgument(expr.status().message());
  return SelectsSeries(**expr);
}

Result<std::string> QueryRunner::ParseTree(std::string_view query) {
  auto expr = promql::parser::ParseExpr(query);
  if (!expr.ok()) return Status::InvalidArgument(expr.status().message());
  std::string out;
  api::JsonWriter w(&out);
  WriteAstJson(w, **expr);
  return out;
}

}  // namespace cairn::server
