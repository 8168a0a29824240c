#include "tools/cairnctl/progress.h"

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace cairn::cairnctl {

namespace {

constexpr int kBarWidth = 20;
constexpr std::chrono::milliseconds kRedraw{100};

volatile std::sig_atomic_t g_stop = 0;

void OnSigint(int) {
  g_stop = 1;
  // A second Ctrl-C ends the process the usual way.
  std::signal(SIGINT, SIG_DFL);
}

std::string Rate(uint64_t done, double elapsed_s) {
  return std::to_string(static_cast<uint64_t>(std::llround(done / elapsed_s)));
}

}  // namespace

void InstallInterruptHandler() { std::signal(SIGINT, OnSigint); }
bool StopRequested() { return g_stop != 0; }
void RequestStop(bool stop) { g_stop = stop ? 1 : 0; }

std::string FormatClock(double seconds) {
  auto s = static_cast<uint64_t>(std::max(0.0, std::round(seconds)));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  }
  return buf;
}

std::string RenderProgress(const std::string& what, const std::string& unit, uint64_t done, uint64_t total,
                           double elapsed_s, bool bar) {
  if (elapsed_s <= 0) elapsed_s = 1e-9;
  double rate = done / elapsed_s;
  std::string rate_text = Rate(done, elapsed_s) + " " + unit + "/s";
  if (total == 0) {
    if (bar) return what + " " + std::to_string(done) + " " + unit + "  " + rate_text + "  " + FormatClock(elapsed_s);
    return what + ": " + std::to_string(done) + " " + unit + ", " + rate_text;
  }
  uint64_t shown = std::min(done, total);
  int pct = static_cast<int>(shown * 100 / total);
  std::string counts = std::to_string(done) + "/" + std::to_string(total) + " " + unit;
  if (!bar) return what + ": " + counts + " (" + std::to_string(pct) + "%), " + rate_text;
  int filled = static_cast<int>(shown * kBarWidth / total);
  std::string b(static_cast<size_t>(filled), '#');
  b.append(static_cast<size_t>(kBarWidth - filled), '.');
  char pct_text[8];
  std::snprintf(pct_text, sizeof pct_text, "%3d%%", pct);
  std::string eta = rate > 0 ? FormatClock((total - shown) / rate) : "?";
  return what + " [" + b + "] " + pct_text + " " + counts + "  " + rate_text + "  ETA " + eta;
}

bool Progress::StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::string what, Options options)
    : what_(std::move(what)),
      options_(std::move(options)),
      out_(options_.out != nullptr ? *options_.out : std::cerr),
      start_(std::chrono::steady_clock::now()) {
  total_.store(options_.total);
  thread_ = std::thread([this] { Loop(); });
}

Progress::~Progress() { Stop(); }

void Progress::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Progress::Loop() {
  auto interval = options_.tty ? kRedraw : options_.plain_interval;
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval, [this] { return stop_; })) {
    Draw(false);
  }
}

void Progress::Draw(bool final) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string line = RenderProgress(what_, options_.unit, done(), total_.load(), elapsed, options_.tty);
  if (options_.tty) {
    // Back to the line start and clear what a longer earlier line left.
    out_ << "\r" << line << "\x1b[K";
    if (final) out_ << "\n";
  } else {
    out_ << line << "\n";
  }
  out_.flush();
}

void Progress::Finish() {
  Stop();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  uint64_t total = total_.load();
  if (total != 0 && done() >= total && options_.tty) Draw(true);  // the bar at 100 %
  else if (options_.tty) out_ << "\r\x1b[K";
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1fs", elapsed);
  out_ << what_ << ": done, " << done() << " " << options_.unit << " in " << secs << " ("
       << Rate(done(), elapsed > 0 ? elapsed : 1e-9) << " " << options_.unit << "/s)\n";
  out_.flush();
}

void Progress::Interrupted() {
  Stop();
  if (options_.tty) out_ << "\r\x1b[K";
  uint64_t total = total_.load();
  out_ << what_ << ": interrupted after " << done();
  if (total != 0) out_ << " of " << total;
  out_ << " " << options_.unit;
  if (total != 0) out_ << " (" << std::min<uint64_t>(done(), total) * 100 / total << "%)";
  out_ << "\n";
  out_.flush();
}

}  // namespace cairn::cairnctl
