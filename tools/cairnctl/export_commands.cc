#include "tools/cairnctl/export_commands.h"

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include "tools/cairnctl/api_client.h"
#include "tools/cairnctl/output.h"
#include "tools/cairnctl/progress.h"
#include "tools/cairnctl/remote_read_client.h"
#include "tools/cairnctl/remote_write_sender.h"
#include "tools/cairnctl/time_arg.h"
#include "util/go_quote.h"
#include "util/json_writer.h"

namespace cairn::cairnctl {

namespace {

struct Args {
  std::vector<std::string> match;
  std::string start = "0";
  std::string end = "now";
  std::string format = "openmetrics";
  std::string file;
  std::string to_remote_write;
  size_t batch_size = 10000;
};

// `name{a="x",b="y"}` as the exposition formats write a series.
std::string ExpositionSeries(const ReadSeries& s) {
  std::string name, labels;
  for (const auto& [k, v] : s.labels) {
    if (k == "__name__") {
      name = v;
      continue;
    }
    labels += (labels.empty() ? "" : ",") + k + "=" + GoQuote(v);
  }
  return labels.empty() ? name : name + "{" + labels + "}";
}

void WriteOpenMetrics(const ReadSeries& s, std::ostream& out) {
  std::string series = ExpositionSeries(s);
  std::string buf;
  for (const auto& sample : s.samples) {
    buf.clear();
    buf += series;
    buf += ' ';
    buf += FormatFloat(sample.v);
    buf += ' ';
    buf += FormatTimestamp(sample.t_ms);  // seconds, millisecond precision
    buf += '\n';
    out << buf;
  }
}

void WriteJsonLine(const ReadSeries& s, std::ostream& out) {
  std::string buf;
  JsonWriter w(&buf);
  w.BeginObject();
  w.Key("metric");
  w.BeginObject();
  for (const auto& [k, v] : s.labels) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
  w.Key("values");
  w.BeginArray();
  for (const auto& sample : s.samples) {
    if (std::isfinite(sample.v)) w.Raw(FormatFloat(sample.v));
    else w.String(FormatFloat(sample.v));  // JSON has no NaN or Inf: "NaN", "+Inf"
  }
  w.EndArray();
  w.Key("timestamps");
  w.BeginArray();
  for (const auto& sample : s.samples) w.Int(sample.t_ms);
  w.EndArray();
  w.EndObject();
  out << buf << '\n';
}

std::vector<std::string> CsvLabelColumns(const std::vector<ReadSeries>& all) {
  std::set<std::string> names;
  for (const auto& s : all) {
    for (const auto& [k, v] : s.labels) names.insert(k);
  }
  std::vector<std::string> cols;
  if (names.erase("__name__") > 0) cols.push_back("__name__");
  cols.insert(cols.end(), names.begin(), names.end());
  return cols;
}

void WriteCsv(const ReadSeries& s, const std::vector<std::string>& cols, std::ostream& out) {
  std::vector<std::string> cells(cols.size() + 2);
  for (size_t i = 0; i < cols.size(); ++i) {
    for (const auto& [k, v] : s.labels) {
      if (k == cols[i]) cells[i] = v;
    }
  }
  for (const auto& sample : s.samples) {
    cells[cols.size()] = FormatFloat(sample.v);
    cells[cols.size() + 1] = std::to_string(sample.t_ms);
    out << CsvRecord(cells) << '\n';
  }
}

int SendRemote(const GlobalOptions& g, const Args& a, const std::vector<ReadSeries>& all, uint64_t total) {
  RemoteWriteSender sender(a.to_remote_write, g.timeout);
  Progress progress("export", {.unit = "samples", .total = total, .tty = Progress::StderrIsTerminal()});
  std::vector<ImportSample> batch;
  for (const auto& s : all) {
    for (const auto& sample : s.samples) {
      batch.push_back({s.labels, sample.t_ms, sample.v});
      if (batch.size() < a.batch_size) continue;
      if (StopRequested()) {
        progress.Interrupted();
        return ExitCode::kInterrupted;
      }
      if (Status st = sender.Send(batch); !st.ok()) {
        progress.Interrupted();
        return Fail(st.message());
      }
      progress.Add(batch.size());
      batch.clear();
    }
  }
  if (!batch.empty()) {
    if (Status st = sender.Send(batch); !st.ok()) {
      progress.Interrupted();
      return Fail(st.message());
    }
    progress.Add(batch.size());
  }
  progress.Finish();
  return ExitCode::kOk;
}

int Run(const GlobalOptions& g, const Args& a) {
  if (a.format != "openmetrics" && a.format != "jsonl" && a.format != "csv") {
    return Fail("--format must be openmetrics, jsonl or csv", ExitCode::kUsage);
  }
  if (a.batch_size == 0) return Fail("--batch-size must be positive", ExitCode::kUsage);
  int64_t now = NowMs();
  auto start = ParseTimeArg(a.start, now);
  if (!start.ok()) return Fail(start.status().message(), ExitCode::kUsage);
  auto end = ParseTimeArg(a.end, now);
  if (!end.ok()) return Fail(end.status().message(), ExitCode::kUsage);
  InstallInterruptHandler();
  auto all = RemoteReadSeries(ApiClient(g).BaseUrl() + "/api/v1/read", a.match, *start, *end, g.timeout);
  if (!all.ok()) return Fail(all.status().message(), all.status().code() == StatusCode::kInvalidArgument
                                                        ? ExitCode::kUsage
                                                        : ExitCode::kFailure);
  uint64_t total = 0;
  for (const auto& s : *all) total += s.samples.size();
  if (!a.to_remote_write.empty()) return SendRemote(g, a, *all, total);

  std::ofstream file;
  if (!a.file.empty()) {
    file.open(a.file, std::ios::binary | std::ios::trunc);
    if (!file) return Fail("cannot create " + a.file, ExitCode::kUsage);
  }
  std::ostream& out = a.file.empty() ? std::cout : file;
  // Progress on stderr only when the data goes to a file (stdout may be the
  // terminal the bar would draw over).
  Progress progress("export", {.unit = "samples", .total = total, .tty = !a.file.empty() && Progress::StderrIsTerminal(),
                               .plain_interval = std::chrono::milliseconds(a.file.empty() ? 3600000 : 5000)});
  std::vector<std::string> cols;
  if (a.format == "csv") {
    cols = CsvLabelColumns(*all);
    auto header = cols;
    header.push_back("value");
    header.push_back("timestamp");
    out << CsvRecord(header) << '\n';
  }
  for (const auto& s : *all) {
    if (StopRequested()) {
      progress.Interrupted();
      return ExitCode::kInterrupted;
    }
    if (a.format == "openmetrics") WriteOpenMetrics(s, out);
    else if (a.format == "jsonl") WriteJsonLine(s, out);
    else WriteCsv(s, cols, out);
    progress.Add(s.samples.size());
  }
  if (a.format == "openmetrics") out << "# EOF\n";
  out.flush();
  if (!out) {
    progress.Interrupted();
    return Fail("write failed" + (a.file.empty() ? std::string() : " to " + a.file));
  }
  if (!a.file.empty()) progress.Finish();
  return ExitCode::kOk;
}

}  // namespace

void RegisterExportCommands(CLI::App& root, const GlobalOptions& g) {
  auto a = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("export", "Export raw samples via remote read to a file, stdout or another server");
  cmd->add_option("-m,--match", a->match, "Series selector (repeatable)")->required();
  cmd->add_option("--start", a->start, "Start time")->capture_default_str();
  cmd->add_option("--end", a->end, "End time")->capture_default_str();
  cmd->add_option("-f,--format", a->format, "openmetrics, jsonl (VictoriaMetrics export) or csv")
      ->capture_default_str();
  cmd->add_option("--file", a->file, "Write here instead of stdout");
  cmd->add_option("--to-remote-write", a->to_remote_write,
                  "Send to this remote-write URL instead (Cairn, Prometheus, VictoriaMetrics)");
  cmd->add_option("--batch-size", a->batch_size, "Samples per remote-write request")->capture_default_str();
  SetExamples(cmd,
              "cairnctl export --match '{__name__=~\".+\"}' --file all.om\n"
              "cairnctl export -m up --start now-1h --format jsonl\n"
              "cairnctl export -m '{job=\"node\"}' --to-remote-write http://vm:8428/api/v1/write");
  OnRun(cmd, [&g, a] { return Run(g, *a); });
}

}  // namespace cairn::cairnctl
