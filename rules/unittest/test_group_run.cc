#include "rules/unittest/test_group_run.h"

#include <algorithm>
#include <memory>

#include "promql/engine.h"
#include "promql/parser/parser.h"
#include "rules/alerting_rule.h"
#include "rules/group.h"
#include "rules/manager.h"
#include "rules/unittest/report.h"
#include "rules/unittest/series_loader.h"
#include "storage/memory_storage.h"
#include "util/duration.h"
#include "util/go_quote.h"

namespace cairn::rules::unittest {

namespace {

// promtool's engine for unit tests (promql.NewLazyLoader): 10000 samples, 100s timeout, and
// subqueries without a step use the evaluation interval.
promql::QueryOptions UnitTestQueryOptions(int64_t evaluation_interval_ms) {
  promql::QueryOptions o;
  o.max_samples = 10'000;
  o.timeout = std::chrono::seconds(100);
  o.default_subquery_step_ms = evaluation_interval_ms;
  return o;
}

int64_t MaxEvalTime(const TestGroup& g) {
  int64_t max_ms = 0;
  for (const auto& a : g.alert_rule_tests) max_ms = std::max(max_ms, a.eval_time_ms);
  for (const auto& p : g.promql_expr_tests) max_ms = std::max(max_ms, p.eval_time_ms);
  return max_ms;
}

std::string TestNameLine(const TestGroup& g) { return g.name.empty() ? "" : "    name: " + g.name + ",\n"; }

storage::Labels FromMap(const std::map<std::string, std::string>& m) {
  std::vector<storage::Label> labels;
  for (const auto& [k, v] : m) labels.push_back({k, v});
  return storage::Labels::FromSorted(std::move(labels));
}

// The firing alerts of every alerting rule named `alertname`, across all groups.
std::vector<LabelsAndAnnotations> FiringAlerts(const std::vector<std::shared_ptr<Group>>& groups,
                                               const std::string& alertname) {
  std::vector<LabelsAndAnnotations> got;
  for (const auto& g : groups) {
    for (const auto& r : g->rules()) {
      auto* ar = dynamic_cast<AlertingRule*>(r.get());
      if (ar == nullptr || ar->name() != alertname) continue;
      for (const Alert& a : ar->ActiveAlerts()) {
        if (a.state == AlertState::kFiring) got.push_back({a.labels, a.annotations});
      }
    }
  }
  return got;
}

std::string CheckAlert(const TestGroup& g, const AlertTestCase& tc, std::vector<LabelsAndAnnotations> got) {
  std::vector<LabelsAndAnnotations> exp;
  for (const ExpectedAlert& a : tc.exp_alerts) {
    auto labels = a.labels;
    labels["alertname"] = tc.alertname;  // added by the rule, so not written in the test
    exp.push_back({FromMap(labels), FromMap(a.annotations)});
  }
  SortAlerts(got);
  SortAlerts(exp);
  bool equal = got.size() == exp.size();
  for (size_t i = 0; equal && i < got.size(); ++i) {
    equal = got[i].labels == exp[i].labels && got[i].annotations == exp[i].annotations;
  }
  if (equal) return "";
  return TestNameLine(g) + "    alertname: " + tc.alertname + ", time: " + FormatDurationMs(tc.eval_time_ms) +
         ", \n        exp:" + IndentLines(AlertsString(exp), "            ") +
         ", \n        got:" + IndentLines(AlertsString(got), "            ");
}

std::string CheckPromql(const PromqlTestCase& tc, const promql::Engine& engine, storage::Queryable& db,
                        const promql::QueryOptions& qo) {
  const std::string where = "    expr: " + GoQuote(tc.expr) + ", time: " + FormatDurationMs(tc.eval_time_ms);
  std::vector<ParsedSample> got;
  auto expr = promql::parser::ParseExpr(tc.expr);
  if (!expr.ok()) return where + ", err: " + expr.status().message();
  auto r = engine.InstantQuery(db, **expr, tc.eval_time_ms, qo);
  if (!r.ok()) return where + ", err: " + r.status().message();
  if (const auto* v = std::get_if<promql::Vector>(&r->value)) {
    for (const auto& s : *v) got.push_back({s.metric, s.f});
  } else if (const auto* s = std::get_if<promql::Scalar>(&r->value)) {
    got.push_back({storage::Labels{}, s->v});
  } else {
    return where + ", err: rule result is not a vector or scalar";
  }
  std::vector<ParsedSample> exp;
  for (const ExpectedSample& s : tc.exp_samples) {
    auto labels = promql::parser::ParseMetric(s.labels);
    if (!labels.ok()) return where + ", err: labels " + GoQuote(s.labels) + ": " + labels.status().message();
    exp.push_back({std::move(labels).value(), s.value});
  }
  SortSamples(exp);
  SortSamples(got);
  bool equal = got.size() == exp.size();
  // Exact comparison, as promtool's reflect.DeepEqual: NaN never equals NaN.
  for (size_t i = 0; equal && i < got.size(); ++i) equal = got[i].labels == exp[i].labels && got[i].value == exp[i].value;
  if (equal) return "";
  return where + ",\n        exp: " + SamplesString(exp) + "\n        got: " + SamplesString(got);
}

}  // namespace

std::vector<std::string> RunTestGroup(const TestGroup& g, const TestGroupContext& ctx) {
  for (const AlertTestCase& a : g.alert_rule_tests) {
    if (a.alertname.empty()) {
      std::string in_group = g.name.empty() ? "" : " (in TestGroup " + g.name + ")";
      return {"an item under alert_rule_test misses required attribute alertname at eval_time " +
              FormatDurationMs(a.eval_time_ms) + in_group};
    }
  }
  auto loader = SeriesLoader::Create(g.input_series, g.interval_ms);
  if (!loader.ok()) return {loader.status().message()};

  storage::MemoryStorage db;
  promql::Engine engine;
  ManualClock clock(0);
  ManagerOptions opts;
  opts.engine = &engine;
  opts.queryable = &db;
  opts.query_options = UnitTestQueryOptions(ctx.evaluation_interval_ms);
  opts.appendable = &db;
  opts.clock = &clock;
  opts.external_labels = g.external_labels;
  opts.external_url = g.external_url;
  auto loaded = LoadGroups(opts, g.interval_ms, ctx.rule_files, /*should_restore=*/false);
  if (!loaded.ok()) return {loaded.status().message()};
  std::vector<std::shared_ptr<Group>> groups = std::move(loaded).value();
  auto position = [&](const std::shared_ptr<Group>& gr) {
    auto it = ctx.group_order.find(gr->name());
    return it == ctx.group_order.end() ? 0 : it->second;
  };
  std::stable_sort(groups.begin(), groups.end(), [&](const auto& a, const auto& b) { return position(a) < position(b); });
  // As promtool does: ALERTS series are written from the first evaluation on.
  for (const auto& gr : groups) {
    for (const auto& r : gr->rules()) {
      if (auto* ar = dynamic_cast<AlertingRule*>(r.get())) ar->SetRestored(true);
    }
  }

  // Alert tests by eval_time, visited in order as the evaluation passes them.
  std::map<int64_t, std::vector<const AlertTestCase*>> alert_tests;
  for (const AlertTestCase& a : g.alert_rule_tests) alert_tests[a.eval_time_ms].push_back(&a);
  auto next_check = alert_tests.begin();

  std::vector<std::string> errs;
  const int64_t max_t = MaxEvalTime(g);
  for (int64_t ts = 0; ts <= max_t; ts += ctx.evaluation_interval_ms) {
    clock.Set(ts);
    if (Status s = loader->AppendTill(db, ts); !s.ok()) {
      errs.push_back(s.message());
      continue;
    }
    std::vector<std::string> eval_errs;
    for (const auto& gr : groups) {
      gr->Eval(ts);
      for (const auto& r : gr->rules()) {
        std::string e = r->last_error();
        if (!e.empty()) {
          eval_errs.push_back("    rule: " + r->name() + ", time: " + GoTimeDurationString(ts) + ", err: " + e);
        }
      }
    }
    errs.insert(errs.end(), eval_errs.begin(), eval_errs.end());
    if (!eval_errs.empty()) return errs;

    // Compare at this evaluation the alert tests with ts <= eval_time < ts + evaluation_interval.
    for (; next_check != alert_tests.end() && next_check->first >= ts &&
           next_check->first < ts + ctx.evaluation_interval_ms;
         ++next_check) {
      for (const AlertTestCase* tc : next_check->second) {
        std::string e = CheckAlert(g, *tc, FiringAlerts(groups, tc->alertname));
        if (!e.empty()) errs.push_back(std::move(e));
      }
    }
  }

  for (const PromqlTestCase& tc : g.promql_expr_tests) {
    std::string e = CheckPromql(tc, engine, db, opts.query_options);
    if (!e.empty()) errs.push_back(std::move(e));
  }
  return errs;
}

}  // namespace cairn::rules::unittest
