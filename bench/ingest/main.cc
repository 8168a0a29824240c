// cairn-ingest-bench: pushes generated node_exporter-like history to a
// remote-write endpoint and prints what it took. See bench/README.md.
//
// Output: progress and errors on stderr; one line of key=value figures on stdout
// (bench/run.sh parses it). Exit status 0 when every sample was acknowledged, 1 when
// some were rejected or lost, 2 on bad flags.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench/ingest/ingest_driver.h"

namespace {

using cairn::bench::IngestOptions;

constexpr const char kUsage[] =
    "usage: cairn-ingest-bench --url=http://HOST:PORT/api/v1/write [options]\n"
    "  --series=N             series to generate (default 50000)\n"
    "  --hours=H              hours of history, 15 s apart (default 6)\n"
    "  --concurrency=N        parallel keep-alive connections (default 4)\n"
    "  --seed=N               generator seed (default 1)\n"
    "  --batch=N              samples per request (default 4000)\n"
    "  --rounds-per-request=N samples per series in one request (default 1)\n"
    "  --start-ms=T           timestamp of the first round (default: the last full hour\n"
    "                         minus --hours; pass the same value to compare servers)\n"
    "  --interval-ms=N        scrape interval (default 15000)\n"
    "  --jitter-ms=N          max scrape jitter (default 5)\n"
    "  --quiet                no progress lines\n";

bool ParseInt(std::string_view text, long long* out) {
  std::string s(text);
  char* end = nullptr;
  *out = std::strtoll(s.c_str(), &end, 10);
  return !s.empty() && *end == '\0';
}

// Parses "--name=value" and "--name value"; returns false and prints why on error.
bool ParseFlags(int argc, char** argv, IngestOptions* o, bool* start_given) {
  std::string url;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return false;
    if (arg == "--quiet") {
      o->progress = false;
      continue;
    }
    size_t eq = arg.find('=');
    std::string_view name = arg.substr(0, eq), value;
    if (eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      std::fprintf(stderr, "missing value for %s\n", argv[i]);
      return false;
    }
    long long n = 0;
    bool ok = true;
    if (name == "--url") {
      url = std::string(value);
    } else if (name == "--hours") {
      char* end = nullptr;
      std::string v(value);
      o->hours = std::strtod(v.c_str(), &end);
      ok = !v.empty() && *end == '\0' && o->hours > 0;
    } else if ((ok = ParseInt(value, &n))) {
      if (name == "--series") o->series = static_cast<uint64_t>(n), ok = n > 0;
      else if (name == "--concurrency") o->concurrency = static_cast<int>(n), ok = n > 0 && n <= 256;
      else if (name == "--seed") o->seed = static_cast<uint64_t>(n);
      else if (name == "--batch") o->batch_samples = static_cast<int>(n), ok = n > 0;
      else if (name == "--rounds-per-request") o->rounds_per_request = static_cast<int>(n), ok = n > 0;
      else if (name == "--start-ms") o->schedule.start_ms = n, *start_given = true;
      else if (name == "--interval-ms") o->schedule.interval_ms = n, ok = n > 0;
      else if (name == "--jitter-ms") o->schedule.jitter_ms = n, ok = n >= 0;
      else {
        std::fprintf(stderr, "unknown flag %.*s\n", static_cast<int>(name.size()), name.data());
        return false;
      }
    }
    if (!ok) {
      std::fprintf(stderr, "bad value for %.*s: %.*s\n", static_cast<int>(name.size()), name.data(),
                   static_cast<int>(value.size()), value.data());
      return false;
    }
  }
  if (url.empty()) {
    std::fprintf(stderr, "--url is required\n");
    return false;
  }
  auto parsed = cairn::bench::ParseHttpUrl(url);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s\n", parsed.status().ToString().c_str());
    return false;
  }
  o->url = *parsed;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  IngestOptions options;
  bool start_given = false;
  if (!ParseFlags(argc, argv, &options, &start_given)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (!start_given) {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    const int64_t hour_ms = 3600000;
    options.schedule.start_ms =
        now_ms / hour_ms * hour_ms - static_cast<int64_t>(options.hours * hour_ms);
  }

  cairn::bench::IngestDriver driver(options);
  auto result = driver.Run();
  if (!result.ok()) {
    std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
    return 2;
  }
  const auto& s = *result;
  for (const auto& e : s.errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  const uint64_t total = s.samples_acked + s.samples_rejected + s.samples_failed;
  std::printf(
      "series=%llu samples=%llu samples_acked=%llu samples_rejected=%llu samples_failed=%llu "
      "requests=%llu retries=%llu raw_bytes=%llu wire_bytes=%llu wall_seconds=%.3f "
      "samples_per_second=%.0f driver_cpu_seconds=%.2f start_ms=%lld\n",
      static_cast<unsigned long long>(s.series), static_cast<unsigned long long>(total),
      static_cast<unsigned long long>(s.samples_acked),
      static_cast<unsigned long long>(s.samples_rejected),
      static_cast<unsigned long long>(s.samples_failed), static_cast<unsigned long long>(s.requests),
      static_cast<unsigned long long>(s.retries), static_cast<unsigned long long>(s.raw_bytes),
      static_cast<unsigned long long>(s.wire_bytes), s.wall_seconds,
      s.samples_acked / std::max(s.wall_seconds, 1e-9), s.driver_cpu_seconds,
      static_cast<long long>(options.schedule.start_ms));
  return s.samples_acked == total ? 0 : 1;
}
