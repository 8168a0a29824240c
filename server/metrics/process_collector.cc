#include "server/metrics/process_collector.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace cairn::server::metrics {
namespace {

struct ProcStat {
  double utime_ticks = 0, stime_ticks = 0, start_ticks = 0, vsize = 0, rss_pages = 0;
  bool ok = false;
};

ProcStat ReadStat() {
  ProcStat st;
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return st;
  // Field 2 (comm) may hold spaces; parse after the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return st;
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> f;
  std::string tok;
  while (rest >> tok) f.push_back(tok);
  // rest starts at field 3 (state): utime=14, stime=15, starttime=22, vsize=23, rss=24.
  if (f.size() < 22) return st;
  st.utime_ticks = std::strtod(f[14 - 3].c_str(), nullptr);
  st.stime_ticks = std::strtod(f[15 - 3].c_str(), nullptr);
  st.start_ticks = std::strtod(f[22 - 3].c_str(), nullptr);
  st.vsize = std::strtod(f[23 - 3].c_str(), nullptr);
  st.rss_pages = std::strtod(f[24 - 3].c_str(), nullptr);
  st.ok = true;
  return st;
}

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

double OpenFds() {
  std::error_code ec;
  double n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

}  // namespace

void RegisterProcessMetrics(Registry& registry) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  registry.AddCallback("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter",
                       [ticks](std::vector<MetricSample>* out) {
                         ProcStat st = ReadStat();
                         if (st.ok) out->push_back({"", {}, (st.utime_ticks + st.stime_ticks) / ticks});
                       });
  registry.AddCallback("process_open_fds", "Number of open file descriptors.", "gauge",
                       [](std::vector<MetricSample>* out) { out->push_back({"", {}, OpenFds()}); });
  registry.AddCallback("process_max_fds", "Maximum number of open file descriptors.", "gauge",
                       [](std::vector<MetricSample>* out) {
                         rlimit rl{};
                         if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
                           out->push_back({"", {}, static_cast<double>(rl.rlim_cur)});
                         }
                       });
  registry.AddCallback("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge",
                       [](std::vector<MetricSample>* out) {
                         ProcStat st = ReadStat();
                         if (st.ok) out->push_back({"", {}, st.vsize});
                       });
  registry.AddCallback("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
                       [page](std::vector<MetricSample>* out) {
                         ProcStat st = ReadStat();
                         if (st.ok) out->push_back({"", {}, st.rss_pages * page});
                       });
  const double boot = BootTimeSeconds();
  registry.AddCallback("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                       "gauge", [ticks, boot](std::vector<MetricSample>* out) {
                         ProcStat st = ReadStat();
                         if (st.ok) out->push_back({"", {}, boot + st.start_ticks / ticks});
                       });
}

}  // namespace cairn::server::metrics
