#include "tools/cairnctl/import_commands.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "tools/cairnctl/api_client.h"
#include "tools/cairnctl/data_dir_writer.h"
#include "tools/cairnctl/import_formats.h"
#include "tools/cairnctl/progress.h"
#include "tools/cairnctl/remote_write_sender.h"

namespace cairn::cairnctl {

namespace {

struct Args {
  std::string file = "-";
  std::string format = "openmetrics";
  std::string csv_columns;
  std::string remote_write_url;
  std::string data_dir;
  size_t batch_size = 10000;
  int concurrency = 4;
  bool skip_bad_lines = false;
};

// A bounded queue of batches between the decoding thread and the senders.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}

  // False when the queue was closed (a sender failed): stop producing.
  bool Push(std::vector<ImportSample> batch) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || q_.size() < capacity_; });
    if (closed_) return false;
    q_.push_back(std::move(batch));
    not_empty_.notify_one();
    return true;
  }
  bool Pop(std::vector<ImportSample>* out) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || done_ || !q_.empty(); });
    if (q_.empty() || closed_) return false;
    *out = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }
  // No more batches; senders drain what is queued.
  void Finish() {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    not_empty_.notify_all();
  }
  // Abandon what is queued (a failure).
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::vector<ImportSample>> q_;
  bool done_ = false;
  bool closed_ = false;
};

Result<std::string> ReadInput(const std::string& file) {
  if (file == "-") return std::string((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IOError("open " + file + ": no such file or not readable");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Run(const GlobalOptions& g, const Args& a) {
  if (a.batch_size == 0) return Fail("--batch-size must be positive", ExitCode::kUsage);
  if (a.concurrency < 1) return Fail("--concurrency must be at least 1", ExitCode::kUsage);
  auto decoder = MakeLineDecoder(a.format, a.csv_columns);
  if (!decoder.ok()) return Fail(decoder.status().message(), ExitCode::kUsage);
  auto text = ReadInput(a.file);
  if (!text.ok()) return Fail(text.status().message(), ExitCode::kUsage);
  std::string_view body = *text;
  uint64_t lines_total = static_cast<uint64_t>(std::count(body.begin(), body.end(), '\n'));
  if (!body.empty() && body.back() != '\n') ++lines_total;

  // Where batches go: a running server by remote write, or (--data-dir) a
  // stopped server's directory through the storage engine.
  std::string dest;
  std::unique_ptr<RemoteWriteSender> sender;
  std::unique_ptr<DataDirWriter> writer;
  if (!a.data_dir.empty()) {
    if (!a.remote_write_url.empty()) return Fail("--data-dir and --remote-write-url exclude each other", ExitCode::kUsage);
    auto w = DataDirWriter::Open(a.data_dir);
    if (!w.ok()) return Fail("import --data-dir: " + w.status().message());
    writer = std::move(w).value();
    dest = a.data_dir;
  } else {
    dest = a.remote_write_url.empty() ? ApiClient(g).BaseUrl() + "/api/v1/write" : a.remote_write_url;
    sender = std::make_unique<RemoteWriteSender>(dest, g.timeout);
  }
  auto send = [&](const std::vector<ImportSample>& b) { return writer ? writer->Write(b) : sender->Send(b); };
  InstallInterruptHandler();
  Progress progress("import", {.unit = "lines", .total = lines_total, .tty = Progress::StderrIsTerminal()});

  BatchQueue queue(static_cast<size_t>(a.concurrency) * 2);
  std::mutex err_mu;
  Status send_error = Status::OK();
  std::atomic<uint64_t> samples_sent{0};
  std::vector<std::thread> senders;
  for (int i = 0; i < a.concurrency; ++i) {
    senders.emplace_back([&] {
      std::vector<ImportSample> batch;
      while (queue.Pop(&batch)) {
        Status st = send(batch);
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(err_mu);
          if (send_error.ok()) send_error = st;
          queue.Close();
          return;
        }
        samples_sent.fetch_add(batch.size());
      }
    });
  }

  std::vector<ImportSample> batch;
  batch.reserve(a.batch_size);
  uint64_t line_no = 0, bad_lines = 0;
  bool fatal = false, interrupted = false;
  size_t pos = 0;
  while (pos < body.size()) {
    if (StopRequested()) {
      interrupted = true;
      break;
    }
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    Status st = (*decoder)->Decode(line, &batch);
    progress.Add(1);
    if (!st.ok()) {
      ++bad_lines;
      std::cerr << (a.skip_bad_lines ? "skipped " : "") << "line " << line_no << ": " << st.message() << "\n";
      if (!a.skip_bad_lines) {
        fatal = true;
        break;
      }
      continue;
    }
    if (batch.size() >= a.batch_size) {
      if (!queue.Push(std::move(batch))) break;
      batch = {};
      batch.reserve(a.batch_size);
    }
  }
  if (!fatal && !interrupted && !batch.empty()) queue.Push(std::move(batch));
  if (fatal) queue.Close();
  queue.Finish();
  for (auto& t : senders) t.join();
  if (writer) {
    // Checkpoints and flushes what was written, also after a failure or a
    // stop, so the directory opens with every acknowledged batch.
    Status st = writer->Close();
    if (!st.ok() && send_error.ok()) send_error = st;
  }

  if (!send_error.ok()) {
    progress.Interrupted();
    return Fail(send_error.message());
  }
  if (interrupted) {
    progress.Interrupted();
    std::cerr << "import: " << samples_sent.load() << " samples were written before the stop\n";
    return ExitCode::kInterrupted;
  }
  if (fatal) {
    progress.Interrupted();
    return Fail("import stopped at line " + std::to_string(line_no) +
                " (use --skip-bad-lines to go on past bad lines); " + std::to_string(samples_sent.load()) +
                " samples were written before it");
  }
  progress.Finish();
  std::cerr << "import: " << samples_sent.load() << " samples from " << line_no << " lines written to " << dest;
  if (bad_lines > 0) std::cerr << ", " << bad_lines << " bad lines skipped";
  std::cerr << "\n";
  return ExitCode::kOk;
}

}  // namespace

void RegisterImportCommands(CLI::App& root, const GlobalOptions& g) {
  auto a = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("import", "Backfill samples from a file into a running server by remote write, or offline into a data directory");
  cmd->add_option("file", a->file, "Input file, - for stdin")->capture_default_str();
  cmd->add_option("-f,--format", a->format, "openmetrics, prometheus, jsonl (VictoriaMetrics export) or csv")
      ->capture_default_str();
  cmd->add_option("--csv-columns", a->csv_columns,
                  "CSV column mapping, e.g. 1:label:host,2:metric:cpu,3:time:unix_s (time: unix_s, unix_ms, "
                  "unix_ns, rfc3339)");
  cmd->add_option("--remote-write-url", a->remote_write_url, "Where to write (default: <--url>/api/v1/write)");
  cmd->add_option("--data-dir", a->data_dir,
                  "Offline: write into this stopped server's data directory (--storage.tsdb.path) instead");
  cmd->add_option("--batch-size", a->batch_size, "Samples per remote-write request")->capture_default_str();
  cmd->add_option("--concurrency", a->concurrency, "Requests in flight")->capture_default_str();
  cmd->add_flag("--skip-bad-lines", a->skip_bad_lines, "Report bad lines and go on (default: stop at the first)");
  SetExamples(cmd,
              "cairnctl import data.om                        # OpenMetrics text, timestamps in seconds\n"
              "cairnctl import --format jsonl vm-export.jsonl # VictoriaMetrics /api/v1/export output\n"
              "cairnctl import --data-dir /var/lib/cairn old.om # offline, into a stopped server's directory\n"
              "cairnctl import --format csv --csv-columns 1:label:host,2:metric:cpu_usage,3:time:rfc3339 data.csv\n"
              "zcat old.prom.gz | cairnctl import --format prometheus --skip-bad-lines -");
  OnRun(cmd, [&g, a] { return Run(g, *a); });
}

}  // namespace cairn::cairnctl
