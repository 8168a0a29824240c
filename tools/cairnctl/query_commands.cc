#include "tools/cairnctl/query_commands.h"

#include <algorithm>
#include <iostream>
#include <memory>

#include "tools/cairnctl/api_client.h"
#include "tools/cairnctl/output.h"
#include "tools/cairnctl/series_table.h"
#include "tools/cairnctl/time_arg.h"
#include "util/json_writer.h"

namespace cairn::cairnctl {

namespace {

// Range queries without --step get about this many points, like a graph
// panel (at least 1s apart).
constexpr int64_t kDefaultPoints = 250;
// promtool's defaults: a range query without --start looks back this far.
constexpr int64_t kDefaultRangeMs = 5 * 60 * 1000;

void PrintWarnings(const ApiAnswer& a) {
  for (const auto& w : a.warnings) std::cerr << "Warning: " << w << "\n";
}

// Adds `name`=<API seconds> for a time option when it was given.
Status AddTimeParam(Params* params, const std::string& name, const std::string& text, int64_t now) {
  if (text.empty()) return Status::OK();
  int64_t ms = 0;
  CAIRN_ASSIGN_OR_RETURN(ms, ParseTimeArg(text, now));
  params->emplace_back(name, FormatTimestamp(ms));
  return Status::OK();
}

struct QueryArgs {
  std::string expr;
  std::string time, start, end, step;
};

int RunQuery(const GlobalOptions& g, const QueryArgs& a) {
  ApiClient api(g);
  int64_t now = NowMs();
  Params params{{"query", a.expr}};
  bool range = !a.start.empty() || !a.end.empty() || !a.step.empty();
  if (range && !a.time.empty()) return Fail("--time is for instant queries; use --start/--end/--step for a range", ExitCode::kUsage);
  if (!range) {
    if (Status st = AddTimeParam(&params, "time", a.time, now); !st.ok()) return Fail(st.message(), ExitCode::kUsage);
    auto r = api.PostForm("/api/v1/query", params);
    if (!r.ok()) return Fail("query error: " + r.status().message());
    PrintWarnings(*r);
    Print(QueryResultTable(r->data, g.output), g.output, std::cout);
    return ExitCode::kOk;
  }
  int64_t end = now;
  if (!a.end.empty()) {
    auto e = ParseTimeArg(a.end, now);
    if (!e.ok()) return Fail(e.status().message(), ExitCode::kUsage);
    end = *e;
  }
  int64_t start = end - kDefaultRangeMs;
  if (!a.start.empty()) {
    auto s = ParseTimeArg(a.start, now);
    if (!s.ok()) return Fail(s.status().message(), ExitCode::kUsage);
    start = *s;
  }
  if (end < start) return Fail("end time must not be before start time", ExitCode::kUsage);
  int64_t step = 0;
  if (!a.step.empty()) {
    auto s = ParseDurationArg(a.step);
    if (!s.ok()) return Fail(s.status().message(), ExitCode::kUsage);
    step = *s;
    if (step <= 0) return Fail("--step must be positive", ExitCode::kUsage);
  } else {
    step = std::max<int64_t>(1000, (end - start) / kDefaultPoints / 1000 * 1000);
  }
  params.emplace_back("start", FormatTimestamp(start));
  params.emplace_back("end", FormatTimestamp(end));
  params.emplace_back("step", FormatTimestamp(step));
  auto r = api.PostForm("/api/v1/query_range", params);
  if (!r.ok()) return Fail("query error: " + r.status().message());
  PrintWarnings(*r);
  Print(QueryResultTable(r->data, g.output), g.output, std::cout);
  return ExitCode::kOk;
}

struct MetaArgs {
  std::vector<std::string> match;
  std::string start, end, name;
  int64_t limit = 0;
};

void AddMetaOptions(CLI::App* cmd, MetaArgs* a, bool match_required) {
  auto* m = cmd->add_option("-m,--match", a->match, "Series selector (repeatable), as match[]");
  if (match_required) m->required();
  cmd->add_option("--start", a->start, "Start time (RFC 3339, Unix seconds or now-1h)");
  cmd->add_option("--end", a->end, "End time (RFC 3339, Unix seconds or now)");
  cmd->add_option("--limit", a->limit, "At most this many results (0: no limit)");
}

Result<Params> MetaParams(const MetaArgs& a) {
  Params params;
  int64_t now = NowMs();
  for (const auto& m : a.match) params.emplace_back("match[]", m);
  CAIRN_RETURN_IF_ERROR(AddTimeParam(&params, "start", a.start, now));
  CAIRN_RETURN_IF_ERROR(AddTimeParam(&params, "end", a.end, now));
  if (a.limit > 0) params.emplace_back("limit", std::to_string(a.limit));
  return params;
}

// labels and label-values answer a list of strings.
Table StringListTable(const JsonValue& data, const std::string& column) {
  Table t;
  t.json = data.Serialize();
  t.columns = {column};
  for (const auto& v : data.items()) t.rows.push_back({v.str()});
  return t;
}

int RunMeta(const GlobalOptions& g, const MetaArgs& a, const std::string& what) {
  auto params = MetaParams(a);
  if (!params.ok()) return Fail(params.status().message(), ExitCode::kUsage);
  ApiClient api(g);
  Result<ApiAnswer> r = Status::Internal("unset");
  if (what == "series") r = api.PostForm("/api/v1/series", *params);
  else if (what == "labels") r = api.PostForm("/api/v1/labels", *params);
  else r = api.Get("/api/v1/label/" + a.name + "/values", *params);
  if (!r.ok()) return Fail(what + " error: " + r.status().message());
  PrintWarnings(*r);
  if (what == "series") Print(SeriesListTable(r->data, g.output), g.output, std::cout);
  else Print(StringListTable(r->data, what == "labels" ? "label" : "value"), g.output, std::cout);
  return ExitCode::kOk;
}

}  // namespace

void RegisterQueryCommands(CLI::App& root, const GlobalOptions& g) {
  auto qa = std::make_shared<QueryArgs>();
  auto* query = root.add_subcommand("query", "Run a PromQL query (instant, or range with --start/--end/--step)");
  query->add_option("expr", qa->expr, "PromQL expression")->required();
  query->add_option("--time", qa->time, "Evaluation time of an instant query (default: now)");
  query->add_option("--start", qa->start, "Range start (default: end - 5m)");
  query->add_option("--end", qa->end, "Range end (default: now)");
  query->add_option("--step", qa->step, "Range step, e.g. 15s (default: range/250, at least 1s)");
  SetExamples(query,
              "cairnctl query 'up'\n"
              "cairnctl query 'rate(http_requests_total[5m])' --time 2026-12-07T12:00:00Z\n"
              "cairnctl query 'sum by (job) (up)' --start now-1h --step 1m --output csv");
  OnRun(query, [&g, qa] { return RunQuery(g, *qa); });

  auto sa = std::make_shared<MetaArgs>();
  auto* series = root.add_subcommand("series", "List the series matching selectors");
  AddMetaOptions(series, sa.get(), true);
  SetExamples(series,
              "cairnctl series --match up\n"
              "cairnctl series -m '{job=\"node\"}' -m '{__name__=~\"go_.*\"}' --start now-1h --output csv");
  OnRun(series, [&g, sa] { return RunMeta(g, *sa, "series"); });

  auto la = std::make_shared<MetaArgs>();
  auto* labels = root.add_subcommand("labels", "List label names");
  AddMetaOptions(labels, la.get(), false);
  SetExamples(labels, "cairnctl labels\ncairnctl labels --match up --output json");
  OnRun(labels, [&g, la] { return RunMeta(g, *la, "labels"); });

  auto va = std::make_shared<MetaArgs>();
  auto* values = root.add_subcommand("label-values", "List the values of one label");
  values->add_option("name", va->name, "Label name")->required();
  AddMetaOptions(values, va.get(), false);
  SetExamples(values, "cairnctl label-values job\ncairnctl label-values __name__ --match '{job=\"node\"}'");
  OnRun(values, [&g, va] { return RunMeta(g, *va, "label-values"); });
}

}  // namespace cairn::cairnctl
