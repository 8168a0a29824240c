#include "tools/cairnctl/cardinality_commands.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

#include "tools/cairnctl/api_client.h"
#include "tools/cairnctl/output.h"

namespace cairn::cairnctl {

namespace {

struct Args {
  std::vector<std::string> match;
  int limit = 10;
  std::string sort = "count";
};

std::string Share(double n, double total) {
  if (total <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * n / total);
  return buf;
}

struct Entry {
  std::string name;
  uint64_t count = 0;
};

std::vector<Entry> Entries(const JsonValue& data, const char* key) {
  std::vector<Entry> out;
  if (const JsonValue* list = data.Find(key)) {
    for (const auto& item : list->items()) {
      const JsonValue* v = item.Find("value");
      out.push_back({item.GetString("name"), v != nullptr ? static_cast<uint64_t>(v->number()) : 0});
    }
  }
  return out;
}

int Run(const GlobalOptions& g, const Args& a) {
  if (a.limit <= 0 || a.limit > 10000) return Fail("--limit must be between 1 and 10000", ExitCode::kUsage);
  if (a.sort != "count" && a.sort != "name") return Fail("--sort must be count or name", ExitCode::kUsage);
  Params params{{"limit", std::to_string(a.limit)}};
  for (const auto& m : a.match) params.emplace_back("match[]", m);
  ApiClient api(g);
  auto r = api.Get("/api/v1/status/tsdb", params);
  if (!r.ok()) return Fail("cardinality: " + r.status().message());
  const JsonValue& data = r->data;
  double head = 0;
  if (const JsonValue* hs = data.Find("headStats"); hs != nullptr && hs->Find("numSeries") != nullptr) {
    head = hs->Find("numSeries")->number();
  }
  Table t;
  t.json = data.Serialize();
  t.columns = {"kind", "name", "count", "share"};
  struct Section {
    const char* kind;
    const char* key;
    bool share;  // counts of series (a share of the head) or of values
  };
  for (const Section& s : {Section{"metric", "seriesCountByMetricName", true},
                           Section{"label", "labelValueCountByLabelName", false},
                           Section{"pair", "seriesCountByLabelValuePair", true}}) {
    auto entries = Entries(data, s.key);
    if (a.sort == "name") {
      std::stable_sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) { return x.name < y.name; });
    }
    for (const auto& e : entries) {
      t.rows.push_back({s.kind, e.name, std::to_string(e.count), s.share ? Share(e.count, head) : ""});
    }
  }
  if (g.output == OutputFormat::kTable) {
    std::cout << "head series: " << static_cast<uint64_t>(head);
    if (const JsonValue* m = data.Find("matchedSeries")) {
      std::cout << ", matched: " << m->str() << " (" << Share(m->number(), head) << ")";
    }
    std::cout << "\n";
  }
  Print(t, g.output, std::cout);
  return ExitCode::kOk;
}

}  // namespace

void RegisterCardinalityCommands(CLI::App& root, const GlobalOptions& g) {
  auto a = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("cardinality",
                                  "Top metric names, label names and label pairs by series, with share of the head");
  cmd->add_option("-m,--match", a->match, "Only series matching this selector (repeatable)");
  cmd->add_option("--limit", a->limit, "Entries per list (1-10000)")->capture_default_str();
  cmd->add_option("--sort", a->sort, "Order within each list: count (descending) or name")->capture_default_str();
  SetExamples(cmd,
              "cairnctl cardinality\n"
              "cairnctl cardinality --match '{job=\"node\"}' --limit 20\n"
              "cairnctl cardinality --sort name --output csv");
  OnRun(cmd, [&g, a] { return Run(g, *a); });
}

}  // namespace cairn::cairnctl
