#include "tools/promql_test/runner.h"

#include <re2/re2.h>

#include <filesystem>
#include <set>

#include "promql/parser/parser.h"
#include "storage/memory_storage.h"
#include "tools/promql_test/compare.h"
#include "tools/promql_test/recording_queryable.h"
#include "tools/promql_test/script_parser.h"
#include "tools/promql_test/skip_list.h"
#include "tools/promql_test/step_invariance.h"

namespace cairn::promql_test {

namespace {

promql::QueryOptions TestOptions(const std::string& query, int64_t max_samples) {
  promql::QueryOptions o;
  o.lookback_delta_ms = 5 * 60 * 1000;
  o.max_samples = max_samples;
  o.timeout = std::chrono::seconds(100);
  o.default_subquery_step_ms = 60 * 1000;
  o.query_text = query;
  // Upstream's test engine evaluates its scripts with delayed name removal.
  o.delayed_name_removal = true;
  return o;
}

Status Load(storage::MemoryStorage& db, const LoadCommand& cmd, std::set<storage::Labels>& histogram_series) {
  auto app = db.NewAppender();
  for (const auto& s : cmd.series) {
    storage::SeriesRef ref = 0;
    for (size_t k = 0; k < s.values.size(); ++k) {
      const SeriesValue& v = s.values[k];
      if (v.kind == SeriesValue::Kind::kHistogram) histogram_series.insert(s.labels);
      if (v.kind != SeriesValue::Kind::kFloat) continue;
      int64_t t = static_cast<int64_t>(k) * cmd.interval_ms;
      storage::AppendOptions opts;
      if (k < s.start_offsets_ms.size() && s.start_offsets_ms[k]) opts.start_t_ms = t + *s.start_offsets_ms[k];
      auto r = app->Append(ref, s.labels, t, v.f, opts);
      if (!r.ok()) return r.status();
      ref = *r;
    }
  }
  if (cmd.with_nhcb) {
    // load_with_nhcb also writes histogram series X{...} built from the
    // X_bucket/X_count/X_sum series; note their label sets.
    for (const auto& s : cmd.series) {
      std::string_view name = s.labels.MetricName();
      for (std::string_view suffix : {"_bucket", "_count", "_sum"}) {
        if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
          std::string base(name.substr(0, name.size() - suffix.size()));
          histogram_series.insert(s.labels.Without("le").With(storage::kMetricName, base));
        }
      }
    }
  }
  return app->Commit();
}

bool MentionsQueryShape(const std::string& q) {
  for (const char* f : {"start()", "end()", "range()", "step()"}) {
    if (q.find(f) != std::string::npos) return true;
  }
  return false;
}

// Takes the points at `t` of a range result as an instant value.
promql::Value AtTime(const promql::Matrix& m, int64_t t, bool as_scalar) {
  promql::Vector v;
  for (const auto& s : m) {
    for (const auto& p : s.floats) {
      if (p.t_ms == t) v.push_back({s.metric, t, p.f, false});
    }
  }
  if (as_scalar) {
    if (v.empty()) return promql::Vector{};
    return promql::Scalar{t, v[0].f};
  }
  return v;
}

class EvalRun {
 public:
  EvalRun(const EvalCommand& cmd, storage::Queryable& q, int64_t max_samples)
      : cmd_(cmd), q_(q), opts_(TestOptions(cmd.expr, max_samples)) {}

  // Returns "" on success, else the failure description.
  std::string Run(const promql::Expr& expr) {
    if (cmd_.range) {
      auto r = engine_.RangeQuery(q_, expr, cmd_.start_ms, cmd_.end_ms, cmd_.step_ms, opts_);
      return Check(r, true, cmd_.start_ms, cmd_.step_ms, cmd_.end_ms);
    }
    int64_t t = cmd_.expect_range_vector ? cmd_.rv_end_ms : cmd_.at_ms;
    if (std::string err = RunInstant(expr, t, "instant"); !err.empty()) return err;
    std::vector<promql::ExprPtr> variants;
    std::vector<int64_t> times;
    if (AllowsStepInvariance(expr)) {
      promql::ExprPtr pinned = PinAt(expr, t);
      for (int64_t vt : VariantTimes(t)) {
        if (std::string err = RunInstant(*pinned, vt, "pinned @" + std::to_string(t) + " at " + std::to_string(vt));
            !err.empty())
          return err;
      }
      variants.push_back(std::move(pinned));
      times = VariantTimes(t);
    }
    if (cmd_.fail || cmd_.expect_range_vector || cmd_.expect_string || MentionsQueryShape(cmd_.expr)) return "";
    if (std::string err = RunRangeMode(expr, t, "range-mode"); !err.empty()) return err;
    for (int64_t vt : times) {
      if (std::string err = RunRangeMode(*variants[0], vt, "range-mode pinned at " + std::to_string(vt)); !err.empty())
        return err;
    }
    return "";
  }

 private:
  std::string RunInstant(const promql::Expr& expr, int64_t t, const std::string& what) {
    auto r = engine_.InstantQuery(q_, expr, t, opts_);
    if (r.ok()) instant_scalar_ = std::holds_alternative<promql::Scalar>(r->value);
    std::string err = Check(r, cmd_.expect_range_vector, cmd_.rv_start_ms, cmd_.rv_step_ms, cmd_.rv_end_ms);
    return err.empty() ? err : what + ": " + err;
  }

  std::string RunRangeMode(const promql::Expr& expr, int64_t t, const std::string& what) {
    auto r = engine_.RangeQuery(q_, expr, t - 60000, t + 60000, 60000, opts_);
    if (!r.ok()) return what + ": unexpected error: " + r.status().message();
    if (cmd_.ordered) return "";
    const auto* m = std::get_if<promql::Matrix>(&r->value);
    if (m == nullptr) return what + ": range query returned no matrix";
    for (size_t i = 1; i < m->size(); ++i) {
      if (!((*m)[i - 1].metric < (*m)[i].metric)) return what + ": matrix not sorted";
    }
    bool as_scalar = instant_scalar_ || cmd_.expect_scalar.has_value();
    std::string err = CheckValue(cmd_, AtTime(*m, t, as_scalar), false, 0, 0, 0, false);
    return err.empty() ? err : what + ": " + err;
  }

  std::string Check(const Result<promql::QueryResult>& r, bool matrix, int64_t start, int64_t step, int64_t end) {
    if (cmd_.fail) {
      if (r.ok()) return "expected the query to fail, it succeeded";
      std::string msg = r.status().message();
      const MessagePattern& p = *cmd_.fail;
      if (p.kind == MessagePattern::Kind::kExact && p.text != msg) return "error \"" + msg + "\" != \"" + p.text + "\"";
      if (p.kind == MessagePattern::Kind::kRegex && !re2::RE2::PartialMatch(msg, p.text)) {
        return "error \"" + msg + "\" does not match /" + p.text + "/";
      }
      return "";
    }
    if (!r.ok()) return "unexpected error: " + r.status().ToString();
    if (std::string err = CheckAnnotations(cmd_, r->annotations); !err.empty()) return err;
    return CheckValue(cmd_, r->value, matrix || cmd_.range, start, step, end, cmd_.ordered);
  }

  const EvalCommand& cmd_;
  storage::Queryable& q_;
  promql::QueryOptions opts_;
  promql::Engine engine_;
  bool instant_scalar_ = false;
};

}  // namespace

FileCounts Runner::RunFile(const std::string& path, std::ostream& out) {
  FileCounts counts;
  std::string base = std::filesystem::path(path).filename().string();
  auto script = ParseScriptFile(path);
  if (!script.ok()) {
    out << path << ": invalid script: " << script.status().message() << "\n";
    counts.failed++;
    failures_.push_back(base + ":0");
    return counts;
  }
  storage::MemoryStorage db;
  std::set<storage::Labels> histogram_series;
  EvalFacts facts;
  facts.file_basename = base;
  for (const auto& c : script->commands) {
    if (std::holds_alternative<ClearCommand>(c)) {
      db.Clear();
      histogram_series.clear();
      continue;
    }
    if (const auto* load = std::get_if<LoadCommand>(&c)) {
      Status st = Load(db, *load, histogram_series);
      if (!st.ok()) out << path << ":" << load->line << ": load failed: " << st.message() << "\n";
      continue;
    }
    const auto& cmd = std::get<EvalCommand>(c);
    std::string id = base + ":" + std::to_string(cmd.line);
    facts.reads_histogram_series = false;
    if (auto reason = SkipReason(cmd, facts)) {
      counts.skipped++;
      counts.skip_reasons[*reason]++;
      continue;
    }
    std::string err;
    auto expr = promql::parser::ParseExpr(cmd.expr);
    RecordingQueryable q(db, histogram_series);
    if (!expr.ok()) {
      err = "parse error: " + expr.status().message();
    } else {
      EvalRun run(cmd, q, max_samples_);
      err = run.Run(**expr);
    }
    facts.reads_histogram_series = q.touched();
    if (auto reason = SkipReason(cmd, facts)) {
      counts.skipped++;
      counts.skip_reasons[*reason]++;
      continue;
    }
    if (err.empty()) {
      counts.passed++;
      passes_.push_back(id);
    } else {
      counts.failed++;
      failures_.push_back(id);
      out << path << ":" << cmd.line << ": " << cmd.expr << "\n    " << err << "\n";
    }
  }
  return counts;
}

}  // namespace cairn::promql_test
