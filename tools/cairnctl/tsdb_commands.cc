#include "tools/cairnctl/tsdb_commands.h"

#include <cstdio>
#include <ctime>
#include <iostream>
#include <iterator>

#include "promql/parser/parser.h"
#include "storage/chunk_store.h"
#include "storage/inspect.h"
#include "storage/verify.h"
#include "tools/cairnctl/output.h"
#include "tools/cairnctl/progress.h"
#include "util/json_writer.h"

namespace cairn::cairnctl {
namespace {

std::string TimeText(int64_t ms) {
  const time_t secs = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// Chunks read so far, as plain lines or a bar (no total known up front).
std::function<void(uint64_t)> ChunkProgress(Progress* p) {
  return [p, last = uint64_t{0}](uint64_t n) mutable {
    p->Add(n - last);
    last = n;
  };
}

int RunInspect(const GlobalOptions& g, const std::string& dir) {
  Progress p("inspect", {.unit = "chunks", .tty = Progress::StderrIsTerminal()});
  auto r = storage::Inspect(dir, ChunkProgress(&p));
  if (!r.ok()) return Fail(r.status().message(), r.status().code() == StatusCode::kNotFound ? ExitCode::kUsage : ExitCode::kFailure);
  p.Finish();
  Table parts;
  parts.columns = {"partition", "min_time", "max_time", "series", "chunks", "dense_blocks", "samples", "chunk_bytes", "file_bytes"};
  for (const auto& pi : r->partitions) {
    parts.rows.push_back({pi.name, pi.chunks ? TimeText(pi.min_time_ms) : "", pi.chunks ? TimeText(pi.max_time_ms) : "",
                          std::to_string(pi.series), std::to_string(pi.chunks), std::to_string(pi.dense_blocks), std::to_string(pi.samples),
                          std::to_string(pi.chunk_bytes), std::to_string(pi.file_bytes)});
  }
  Table sum;
  sum.columns = {"name", "value"};
  const bool any = r->max_time_ms >= r->min_time_ms && (r->samples + r->head_samples) > 0;
  sum.rows = {
      {"min_time", any ? TimeText(r->min_time_ms) : ""},
      {"max_time", any ? TimeText(r->max_time_ms) : ""},
      {"series", std::to_string(r->series)},
      {"partitions", std::to_string(r->partitions.size())},
      {"chunks", std::to_string(r->chunks)},
      {"samples_in_chunks", std::to_string(r->samples)},
      {"head_series", std::to_string(r->head_series)},
      {"head_samples", std::to_string(r->head_samples)},
      {"tombstones", std::to_string(r->tombstones)},
      {"db_bytes", std::to_string(r->db_bytes)},
      {"bytes_per_sample", Fixed(r->bytes_per_sample, 3)},
      {"wal_bytes", std::to_string(r->wal_bytes)},
      {"wal_segments", std::to_string(r->wal_segments)},
  };
  if (g.output == OutputFormat::kJson) {
    std::string json;
    JsonWriter w(&json);
    w.BeginObject();
    w.Key("min_time_ms");
    w.Int(any ? r->min_time_ms : 0);
    w.Key("max_time_ms");
    w.Int(any ? r->max_time_ms : 0);
    for (const char* key : {"series", "chunks", "samples_in_chunks", "head_series", "head_samples", "tombstones",
                            "db_bytes", "wal_bytes", "wal_segments"}) {
      for (const auto& row : sum.rows) {
        if (row[0] != key) continue;
        w.Key(key);
        w.Uint(std::stoull(row[1]));
      }
    }
    w.Key("bytes_per_sample");
    w.Double(r->bytes_per_sample);
    w.Key("partitions");
    w.BeginArray();
    for (const auto& pi : r->partitions) {
      w.BeginObject();
      w.Key("name");
      w.String(pi.name);
      w.Key("min_time_ms");
      w.Int(pi.min_time_ms);
      w.Key("max_time_ms");
      w.Int(pi.max_time_ms);
      w.Key("series");
      w.Uint(pi.series);
      w.Key("chunks");
      w.Uint(pi.chunks);
      w.Key("samples");
      w.Uint(pi.samples);
      w.Key("chunk_bytes");
      w.Uint(pi.chunk_bytes);
      w.Key("file_bytes");
      w.Uint(pi.file_bytes);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << json << "\n";
    return ExitCode::kOk;
  }
  Print(sum, g.output, std::cout);
  if (g.output == OutputFormat::kTable) std::cout << "\n";
  Print(parts, g.output, std::cout);
  return ExitCode::kOk;
}

struct AnalyzeArgs {
  std::string dir;
  size_t limit = 20;
  std::string match;
};

void PrintList(const std::string& title, const std::vector<storage::CountEntry>& list, OutputFormat f) {
  Table t;
  t.columns = {"count", "name"};
  for (const auto& e : list) t.rows.push_back({std::to_string(e.count), e.name});
  if (f == OutputFormat::kTable) std::cout << "\n" << title << ":\n";
  Print(t, f, std::cout);
}

void WriteList(JsonWriter& w, const char* key, const std::vector<storage::CountEntry>& list) {
  w.Key(key);
  w.BeginArray();
  for (const auto& e : list) {
    w.BeginObject();
    w.Key("name");
    w.String(e.name);
    w.Key("count");
    w.Uint(e.count);
    w.EndObject();
  }
  w.EndArray();
}

int RunAnalyze(const GlobalOptions& g, const AnalyzeArgs& a) {
  storage::Matchers matchers;
  if (!a.match.empty()) {
    auto m = promql::parser::ParseMetricSelector(a.match);
    if (!m.ok()) return Fail("--match: " + m.status().message(), ExitCode::kUsage);
    matchers = std::move(m).value();
  }
  Progress p("analyze", {.unit = "chunks", .tty = Progress::StderrIsTerminal()});
  auto r = storage::Analyze(a.dir, a.limit, matchers, ChunkProgress(&p));
  if (!r.ok()) return Fail(r.status().message(), r.status().code() == StatusCode::kNotFound ? ExitCode::kUsage : ExitCode::kFailure);
  p.Finish();
  const std::pair<const char*, const std::vector<storage::CountEntry>*> lists[] = {
      {"Label pairs most involved in churning", &r->churn_label_pairs},
      {"Label names most involved in churning", &r->churn_label_names},
      {"Most common label pairs", &r->common_label_pairs},
      {"Label names with highest cumulative label value length", &r->label_names_by_value_length},
      {"Highest cardinality labels", &r->label_names_by_cardinality},
      {"Highest cardinality metric names", &r->metric_names_by_cardinality},
      {"Largest series by samples", &r->largest_series_by_samples},
      {"Largest series by stored bytes", &r->largest_series_by_bytes},
  };
  if (g.output == OutputFormat::kJson) {
    std::string json;
    JsonWriter w(&json);
    w.BeginObject();
    w.Key("min_time_ms");
    w.Int(r->min_time_ms);
    w.Key("max_time_ms");
    w.Int(r->max_time_ms);
    w.Key("series");
    w.Uint(r->series);
    w.Key("label_names");
    w.Uint(r->label_names);
    w.Key("label_pairs");
    w.Uint(r->label_pairs);
    w.Key("label_pair_entries");
    w.Uint(r->label_pair_entries);
    const char* keys[] = {"churn_label_pairs", "churn_label_names", "common_label_pairs",
                          "label_names_by_value_length", "label_names_by_cardinality",
                          "metric_names_by_cardinality", "largest_series_by_samples", "largest_series_by_bytes"};
    for (size_t i = 0; i < std::size(keys); ++i) WriteList(w, keys[i], *lists[i].second);
    w.EndObject();
    std::cout << json << "\n";
    return ExitCode::kOk;
  }
  if (g.output == OutputFormat::kTable) {
    const bool any = r->series > 0 && r->max_time_ms >= r->min_time_ms;
    std::cout << "Time range: " << (any ? TimeText(r->min_time_ms) + " - " + TimeText(r->max_time_ms) : "(empty)") << "\n"
              << "Duration: " << (any ? Fixed(static_cast<double>(r->max_time_ms - r->min_time_ms) / 3'600'000, 2) + "h" : "0") << "\n"
              << "Total Series: " << r->series << "\n"
              << "Label names: " << r->label_names << "\n"
              << "Postings (unique label pairs): " << r->label_pairs << "\n"
              << "Postings entries (total label pairs): " << r->label_pair_entries << "\n";
  }
  for (const auto& [title, list] : lists) PrintList(title, *list, g.output);
  return ExitCode::kOk;
}

int RunVerify(const GlobalOptions&, const std::string& dir) {
  Progress p("verify", {.unit = "chunks", .tty = Progress::StderrIsTerminal()});
  auto r = storage::Verify(dir, ChunkProgress(&p));
  if (!r.ok()) return Fail(r.status().message(), r.status().code() == StatusCode::kNotFound ? ExitCode::kUsage : ExitCode::kFailure);
  p.Finish();
  std::cout << "checked " << r->series_checked << " series, " << r->chunks_checked << " chunks ("
            << r->samples_checked << " samples), " << r->heads_checked << " head checkpoints, "
            << r->tombstones_checked << " tombstones, " << r->wal_records_checked << " WAL records in "
            << r->wal_segments_checked << " segments, and every SST block checksum\n";
  if (!r->wal_torn_tail.empty()) {
    std::cout << "note: " << r->wal_torn_tail << " (a write torn by a crash; the server drops it on start)\n";
  }
  if (r->ok()) {
    std::cout << "SUCCESS: no damage found\n";
    return ExitCode::kOk;
  }
  for (const std::string& problem : r->problems) std::cout << "  DAMAGE: " << problem << "\n";
  if (r->problems_total > r->problems.size()) {
    std::cout << "  ... and " << (r->problems_total - r->problems.size()) << " more\n";
  }
  return Fail(std::to_string(r->problems_total) + " problem(s) found in " + dir);
}

}  // namespace

void RegisterTsdbCommands(CLI::App& root, const GlobalOptions& g) {
  auto* tsdb = root.add_subcommand("tsdb", "Offline work on a stopped server's data directory (read-only)");
  tsdb->require_subcommand(1);

  static std::string inspect_dir;
  auto* inspect = tsdb->add_subcommand("inspect", "Partitions, series, chunks, samples, bytes per sample, WAL size, time range");
  inspect->add_option("dir", inspect_dir, "The data directory (--storage.tsdb.path)")->required();
  SetExamples(inspect, "cairnctl tsdb inspect /var/lib/cairn\ncairnctl tsdb inspect /var/lib/cairn --output json");
  OnRun(inspect, [&g] { return RunInspect(g, inspect_dir); });

  static AnalyzeArgs analyze_args;
  auto* analyze = tsdb->add_subcommand("analyze", "Label cardinality, churn and largest series, like promtool tsdb analyze");
  analyze->add_option("dir", analyze_args.dir, "The data directory (--storage.tsdb.path)")->required();
  analyze->add_option("--limit", analyze_args.limit, "Entries per list")->capture_default_str();
  analyze->add_option("--match", analyze_args.match, "Only series matching this selector");
  SetExamples(analyze, "cairnctl tsdb analyze /var/lib/cairn --limit 10\ncairnctl tsdb analyze /var/lib/cairn --match '{job=\"node\"}'");
  OnRun(analyze, [&g] { return RunAnalyze(g, analyze_args); });

  static std::string verify_dir;
  auto* verify = tsdb->add_subcommand("verify", "Check every chunk (block CRCs, XOR structure) and index entry; exit 1 on damage");
  verify->add_option("dir", verify_dir, "The data directory (--storage.tsdb.path)")->required();
  SetExamples(verify, "cairnctl tsdb verify /var/lib/cairn || echo damaged");
  OnRun(verify, [&g] { return RunVerify(g, verify_dir); });
}

}  // namespace cairn::cairnctl
