#include "tools/cairnctl/admin_commands.h"

#include <cstdio>
#include <ctime>
#include <iostream>

#include "tools/cairnctl/api_client.h"
#include "tools/cairnctl/output.h"
#include "tools/cairnctl/progress.h"
#include "tools/cairnctl/time_arg.h"
#include "util/go_url.h"

namespace cairn::cairnctl {
namespace {

std::string FormEncode(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += "&";
    out += GoQueryEscape(k) + "=" + GoQueryEscape(v);
  }
  return out;
}

// An admin endpoint answering 204 on success and the API's error envelope
// otherwise.
int CallNoContent(const ApiClient& api, const std::string& method, const std::string& path, const Params& params) {
  std::string target = path;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  if (method == "DELETE") {
    if (!params.empty()) target += "?" + FormEncode(params);
  } else {
    body = FormEncode(params);
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  }
  auto r = api.Send(method, target, body, headers);
  if (!r.ok()) return Fail(r.status().message());
  if (r->status == 204 || r->status == 200) return ExitCode::kOk;
  auto parsed = ParseJson(r->body);
  if (parsed.ok() && parsed->is_object()) {
    return Fail(parsed->GetString("errorType") + ": " + parsed->GetString("error"));
  }
  return Fail("server returned HTTP status " + r->status_text);
}

std::string Bytes(uint64_t b) {
  char buf[64];
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  if (u == 0) {
    std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(b));
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f %s (%llu bytes)", v, units[u], static_cast<unsigned long long>(b));
  }
  return buf;
}

struct DeleteArgs {
  std::vector<std::string> match;
  std::string start, end;
};

int RunDelete(const GlobalOptions& g, const DeleteArgs& a) {
  ApiClient api(g);
  const int64_t now = NowMs();
  Params params;
  for (const auto& m : a.match) params.emplace_back("match[]", m);
  for (const auto& [name, text] : {std::pair<const char*, const std::string&>{"start", a.start}, {"end", a.end}}) {
    if (text.empty()) continue;
    auto t = ParseTimeArg(text, now);
    if (!t.ok()) return Fail(t.status().message(), ExitCode::kUsage);
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(*t) / 1000);
    params.emplace_back(name, buf);
  }
  // How many series the delete covers, from the same selectors and range.
  auto series = api.PostForm("/api/v1/series", params);
  if (!series.ok()) return Fail("series: " + series.status().message());
  const size_t n = series->data.items().size();
  if (int rc = CallNoContent(api, "POST", "/api/v1/admin/tsdb/delete_series", params); rc != 0) return rc;
  std::cout << "deleted: " << n << " series marked (tombstones); run `cairnctl clean-tombstones` and "
            << "`cairnctl compact` to free the space\n";
  return ExitCode::kOk;
}

int RunCleanTombstones(const GlobalOptions& g) {
  ApiClient api(g);
  Progress p("clean-tombstones", {.unit = "steps", .total = 1, .tty = Progress::StderrIsTerminal()});
  if (int rc = CallNoContent(api, "POST", "/api/v1/admin/tsdb/clean_tombstones", {}); rc != 0) return rc;
  p.Add(1);
  p.Finish();
  std::cout << "tombstones cleaned: deleted samples removed from the stored chunks\n";
  return ExitCode::kOk;
}

int RunCompact(const GlobalOptions& g) {
  ApiClient api(g);
  Progress p("compact", {.unit = "steps", .total = 1, .tty = Progress::StderrIsTerminal()});
  auto r = api.PostForm("/api/v1/admin/tsdb/compact", {});
  if (!r.ok()) return Fail("compact: " + r.status().message());
  p.Add(1);
  p.Finish();
  const auto before = static_cast<uint64_t>(r->data.Find("bytesBefore") ? r->data.Find("bytesBefore")->number() : 0);
  const auto after = static_cast<uint64_t>(r->data.Find("bytesAfter") ? r->data.Find("bytesAfter")->number() : 0);
  Table t;
  t.columns = {"bytes_before", "bytes_after", "freed_percent"};
  char pct[32];
  std::snprintf(pct, sizeof(pct), "%.1f",
                before == 0 ? 0.0 : 100.0 * (static_cast<double>(before) - static_cast<double>(after)) / before);
  t.rows.push_back({std::to_string(before), std::to_string(after), pct});
  t.json = r->data.Serialize();
  if (g.output == OutputFormat::kTable) {
    std::cout << "disk bytes before: " << Bytes(before) << "\ndisk bytes after:  " << Bytes(after)
              << "\nfreed: " << pct << "%\n";
  } else {
    Print(t, g.output, std::cout);
  }
  return ExitCode::kOk;
}

int RunSnapshotCreate(const GlobalOptions& g) {
  ApiClient api(g);
  Progress p("snapshot", {.unit = "steps", .total = 1, .tty = Progress::StderrIsTerminal()});
  auto r = api.PostForm("/api/v1/admin/tsdb/snapshot", {});
  if (!r.ok()) return Fail("snapshot: " + r.status().message());
  p.Add(1);
  p.Finish();
  std::cout << r->data.GetString("name") << "\n";
  return ExitCode::kOk;
}

int RunSnapshotList(const GlobalOptions& g) {
  ApiClient api(g);
  auto r = api.Get("/api/v1/admin/tsdb/snapshots", {});
  if (!r.ok()) return Fail("snapshots: " + r.status().message());
  Table t;
  t.columns = {"name", "bytes", "created"};
  for (const JsonValue& s : r->data.items()) {
    const JsonValue* bytes = s.Find("bytes");
    const JsonValue* created = s.Find("createdMs");
    char when[40] = "";
    if (created != nullptr) {
      const time_t secs = static_cast<time_t>(created->number() / 1000);
      std::tm tm{};
      gmtime_r(&secs, &tm);
      std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    t.rows.push_back({s.GetString("name"), bytes != nullptr ? bytes->str() : "", when});
  }
  t.json = r->data.Serialize();
  Print(t, g.output, std::cout);
  return ExitCode::kOk;
}

int RunSnapshotRemove(const GlobalOptions& g, const std::string& name) {
  ApiClient api(g);
  if (int rc = CallNoContent(api, "DELETE", "/api/v1/admin/tsdb/snapshots", {{"name", name}}); rc != 0) return rc;
  std::cout << "removed snapshot " << name << "\n";
  return ExitCode::kOk;
}

}  // namespace

void RegisterAdminCommands(CLI::App& root, const GlobalOptions& g) {
  static DeleteArgs del;
  auto* d = root.add_subcommand("delete", "Delete series data (tombstones; free the space with clean-tombstones and compact)");
  d->add_option("-m,--match", del.match, "Series selector (repeatable), as match[]")->required();
  d->add_option("--start", del.start, "Start of the deleted range (RFC 3339, Unix seconds or now-1h; default: all)");
  d->add_option("--end", del.end, "End of the deleted range (default: all)");
  SetExamples(d, "cairnctl delete --match 'up{job=\"old\"}'\n"
                 "cairnctl delete --match '{__name__=~\"test_.*\"}' --start now-2h --end now-1h");
  OnRun(d, [&g] { return RunDelete(g, del); });

  auto* clean = root.add_subcommand("clean-tombstones", "Remove deleted data from the stored chunks");
  SetExamples(clean, "cairnctl clean-tombstones && cairnctl compact");
  OnRun(clean, [&g] { return RunCleanTombstones(g); });

  auto* compact = root.add_subcommand("compact", "Compact the storage so freed space returns to the disk; prints bytes before and after");
  SetExamples(compact, "cairnctl compact\ncairnctl compact --output json");
  OnRun(compact, [&g] { return RunCompact(g); });

  auto* snap = root.add_subcommand("snapshot", "Create, list or remove storage snapshots (under <data dir>/snapshots)");
  snap->require_subcommand(1);
  auto* create = snap->add_subcommand("create", "Write a consistent copy of the storage; prints its name");
  SetExamples(create, "cairnctl snapshot create\ncairn --storage.tsdb.path=/data/snapshots/$(cairnctl snapshot create)");
  OnRun(create, [&g] { return RunSnapshotCreate(g); });
  auto* list = snap->add_subcommand("list", "List snapshots with their size and creation time");
  SetExamples(list, "cairnctl snapshot list --output json");
  OnRun(list, [&g] { return RunSnapshotList(g); });
  static std::string remove_name;
  auto* remove = snap->add_subcommand("remove", "Remove a snapshot");
  remove->add_option("name", remove_name, "Snapshot name (from snapshot list)")->required();
  SetExamples(remove, "cairnctl snapshot remove 20261207T120000Z-0123456789abcdef");
  OnRun(remove, [&g] { return RunSnapshotRemove(g, remove_name); });
}

}  // namespace cairn::cairnctl
