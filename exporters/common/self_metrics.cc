#include "exporters/common/self_metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include <prometheus/metric_family.h>

namespace cairn::exporters {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Single(std::string name, std::string help, MetricType type, double value) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  ClientMetric m;
  if (type == MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(std::move(m));
  return f;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A soft limit from /proc/<pid>/limits ("Max open files  1024  4096  files");
// "unlimited" is the largest uint64, as Go's procfs reports it. -1 if absent.
double SoftLimit(const std::string& limits, const std::string& row) {
  size_t at = limits.find(row);
  if (at == std::string::npos) return -1;
  std::istringstream line(limits.substr(at + row.size(), limits.find('\n', at) - at - row.size()));
  std::string soft;
  line >> soft;
  if (soft == "unlimited") return 18446744073709551615.0;
  return std::strtod(soft.c_str(), nullptr);
}

class ProcessCollector : public prometheus::Collectable {
 public:
  explicit ProcessCollector(std::string proc_root) : proc_root_(std::move(proc_root)) {}

  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> out;
    const std::string self = proc_root_ + "/" + std::to_string(::getpid());
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));

    // /proc/<pid>/stat: fields after the parenthesised command name, which may hold spaces.
    std::string stat = ReadFile(self + "/stat");
    size_t close = stat.rfind(')');
    if (close != std::string::npos) {
      std::istringstream fields(stat.substr(close + 2));
      std::vector<std::string> f((std::istream_iterator<std::string>(fields)), std::istream_iterator<std::string>());
      // f[0] is field 3 (state): utime=14, stime=15, starttime=22, vsize=23, rss=24.
      auto field = [&](int n) { return n - 3 < static_cast<int>(f.size()) ? std::strtod(f[n - 3].c_str(), nullptr) : 0.0; };
      out.push_back(Single("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                           MetricType::Counter, (field(14) + field(15)) / ticks));
      out.push_back(Single("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
                           SoftLimit(ReadFile(self + "/limits"), "Max open files")));
      out.push_back(Single("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, OpenFds(self)));
      out.push_back(Single("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
                           field(24) * page));
      out.push_back(Single("process_start_time_seconds",
                           "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                           BootTime() + field(22) / ticks));
      out.push_back(Single("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
                           field(23)));
      out.push_back(Single("process_virtual_memory_max_bytes",
                           "Maximum amount of virtual memory available in bytes.", MetricType::Gauge,
                           SoftLimit(ReadFile(self + "/limits"), "Max address space")));
    }
    return out;
  }

 private:
  double OpenFds(const std::string& self) const {
    DIR* dir = ::opendir((self + "/fd").c_str());
    if (dir == nullptr) return 0;
    double n = 0;
    while (struct dirent* e = ::readdir(dir)) {
      if (e->d_name[0] != '.') ++n;
    }
    ::closedir(dir);
    return n;  // includes the descriptor reading the directory, as Go's procfs count does
  }

  double BootTime() const {
    std::istringstream in(ReadFile(proc_root_ + "/stat"));
    std::string key;
    while (in >> key) {
      if (key == "btime") {
        double btime = 0;
        in >> btime;
        return btime;
      }
    }
    return 0;
  }

  std::string proc_root_;
};

class BuildInfoCollector : public prometheus::Collectable {
 public:
  explicit BuildInfoCollector(BuildInfo info) : info_(std::move(info)) {}

  std::vector<MetricFamily> Collect() const override {
    MetricFamily f = Single(info_.metric_name, info_.help, MetricType::Gauge, 1);
    for (const auto& [name, value] : info_.labels) f.metric[0].label.push_back({name, value});
    return {std::move(f)};
  }

 private:
  BuildInfo info_;
};

}  // namespace

std::shared_ptr<prometheus::Collectable> MakeProcessCollector(std::string proc_root) {
  return std::make_shared<ProcessCollector>(std::move(proc_root));
}

BuildInfo StandardBuildInfo(const std::string& program) {
  BuildInfo info;
  info.metric_name = program + "_build_info";
  info.help = "A metric with a constant '1' value labeled by version, revision, branch, goversion from which " +
              program + " was built, and the goos and goarch for the build.";
  info.labels = {{"branch", ""},         {"goarch", GoArch()},           {"goos", "linux"},
                 {"goversion", CompilerVersion()}, {"revision", ""}, {"version", CairnVersion()}};
  return info;
}

std::shared_ptr<prometheus::Collectable> MakeBuildInfoCollector(BuildInfo info) {
  return std::make_shared<BuildInfoCollector>(std::move(info));
}

const std::string& CairnVersion() {
  static const std::string version = CAIRN_VERSION;
  return version;
}

const std::string& CompilerVersion() {
#if defined(__clang__)
  static const std::string v = "clang " __clang_version__;
#elif defined(__GNUC__)
  static const std::string v = "gcc " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                               std::to_string(__GNUC_PATCHLEVEL__);
#else
  static const std::string v = "c++";
#endif
  return v;
}

const std::string& GoArch() {
#if defined(__x86_64__)
  static const std::string arch = "amd64";
#elif defined(__aarch64__)
  static const std::string arch = "arm64";
#elif defined(__i386__)
  static const std::string arch = "386";
#else
  static const std::string arch = "unknown";
#endif
  return arch;
}

}  // namespace cairn::exporters
