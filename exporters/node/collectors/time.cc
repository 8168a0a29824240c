// time: node_time_seconds, node_time_zone_offset_seconds{time_zone} and the
// clock sources of /sys/devices/system/clocksource/clocksource<N>/.
#include <dirent.h>

#include <algorithm>
#include <cstring>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "exporters/node/collector.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"

namespace cairn::exporters::node {
namespace {

bool IsClocksourceDir(const char* name) {
  // procfs globs "clocksource[0-9]*".
  return std::strncmp(name, "clocksource", 11) == 0 && name[11] >= '0' && name[11] <= '9';
}

class TimeCollector final : public Collector {
 public:
  explicit TimeCollector(const NodeOptions& o) : dir_(o.paths.Sys("devices/system/clocksource")) {}

  Status Update(MetricSink& sink) override {
    using T = prometheus::MetricType;
    auto now = std::chrono::system_clock::now();
    int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    sink.Single("node_time_seconds", "System time in seconds since epoch (1970).", T::Gauge, double(ns) / 1e9);
    std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
    std::tm local{};
    ::localtime_r(&secs, &local);
    sink.Family("node_time_zone_offset_seconds", "System time zone offset in seconds.", T::Gauge);
    sink.Add(double(local.tm_gmtoff), {{"time_zone", local.tm_zone ? local.tm_zone : ""}});
    return Clocksources(sink);
  }

 private:
  Status Clocksources(MetricSink& sink) {
    std::vector<std::string> dirs;
    if (DIR* d = ::opendir(dir_.c_str())) {
      while (dirent* e = ::readdir(d)) {
        if (IsClocksourceDir(e->d_name)) dirs.emplace_back(e->d_name);
      }
      ::closedir(d);
    }
    std::sort(dirs.begin(), dirs.end());  // Go's Glob order; the index is the device label
    struct Source {
      std::vector<std::string> available;
      std::string current;
    };
    std::vector<Source> sources;
    for (const std::string& dir : dirs) {
      Source s;
      std::string base = Paths::Join(dir_, dir);
      Status st = ReadFileInto(Paths::Join(base, "available_clocksource"), buf_);
      if (!st.ok()) return st.WithContext("couldn't get clocksources");
      s.available = SplitWords(buf_);
      st = ReadFileInto(Paths::Join(base, "current_clocksource"), buf_);
      if (!st.ok()) return st.WithContext("couldn't get clocksources");
      auto words = SplitWords(buf_);
      if (!words.empty()) s.current = words[0];
      sources.push_back(std::move(s));
    }
    using T = prometheus::MetricType;
    sink.Family("node_time_clocksource_available_info",
                "Available clocksources read from '/sys/devices/system/clocksource'.", T::Gauge);
    for (size_t i = 0; i < sources.size(); ++i) {
      std::string dev = std::to_string(i);
      for (const std::string& cs : sources[i].available) sink.Add(1, {{"device", dev}, {"clocksource", cs}});
    }
    sink.Family("node_time_clocksource_current_info",
                "Current clocksource read from '/sys/devices/system/clocksource'.", T::Gauge);
    for (size_t i = 0; i < sources.size(); ++i) {
      sink.Add(1, {{"device", std::to_string(i)}, {"clocksource", sources[i].current}});
    }
    return Status::OK();
  }

  std::string dir_;
  std::string buf_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeTimeCollector(const NodeOptions& options) {
  return std::unique_ptr<Collector>(new TimeCollector(options));
}

}  // namespace cairn::exporters::node
