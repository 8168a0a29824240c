// cpu: node_cpu_seconds_total{cpu,mode} and node_cpu_guest_seconds_total from
// /proc/stat. Like upstream, a counter that the kernel reports going backwards
// (seen with some hypervisors) keeps its last value, and an idle counter that
// jumps back by 3 s or more is taken as a CPU hotplug and resets that CPU.
#include <string>
#include <vector>

#include "exporters/node/collector.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"

namespace cairn::exporters::node {
namespace {

constexpr double kJumpBackSeconds = 3.0;

class CpuCollector final : public Collector {
 public:
  explicit CpuCollector(const NodeOptions& o) : path_(o.paths.Proc("stat")), guest_(o.cpu_guest) {}

  Status Update(MetricSink& sink) override {
    CAIRN_RETURN_IF_ERROR(ReadFileInto(path_, buf_));
    auto stat = ParseProcStat(buf_);
    if (!stat.ok()) return stat.status();
    Remember(stat->cpus);

    sink.Family("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.",
                prometheus::MetricType::Counter);
    for (const CpuTimes& t : last_) {
      std::string cpu = std::to_string(t.cpu);
      const std::pair<const char*, double> modes[] = {
          {"user", t.user}, {"nice", t.nice},       {"system", t.system},   {"idle", t.idle},
          {"iowait", t.iowait}, {"irq", t.irq}, {"softirq", t.softirq}, {"steal", t.steal}};
      for (const auto& [mode, v] : modes) sink.Add(v, {{"cpu", cpu}, {"mode", mode}});
    }
    if (guest_) {
      // Guest time is also inside user and nice; exported apart as upstream does.
      sink.Family("node_cpu_guest_seconds_total", "Seconds the CPUs spent in guests (VMs) for each mode.",
                  prometheus::MetricType::Counter);
      for (const CpuTimes& t : last_) {
        std::string cpu = std::to_string(t.cpu);
        sink.Add(t.guest, {{"cpu", cpu}, {"mode", "user"}});
        sink.Add(t.guest_nice, {{"cpu", cpu}, {"mode", "nice"}});
      }
    }
    return Status::OK();
  }

 private:
  void Remember(const std::vector<CpuTimes>& now) {
    if (last_.size() != now.size()) last_.assign(now.size(), CpuTimes{});
    for (size_t i = 0; i < now.size(); ++i) {
      CpuTimes& old = last_[i];
      const CpuTimes& n = now[i];
      if (old.cpu != n.cpu || old.idle - n.idle >= kJumpBackSeconds) old = CpuTimes{};
      old.cpu = n.cpu;
      double CpuTimes::*fields[] = {&CpuTimes::user,   &CpuTimes::nice,    &CpuTimes::system,
                                    &CpuTimes::idle,   &CpuTimes::iowait,  &CpuTimes::irq,
                                    &CpuTimes::softirq, &CpuTimes::steal,  &CpuTimes::guest,
                                    &CpuTimes::guest_nice};
      for (auto f : fields) {
        if (n.*f >= old.*f) old.*f = n.*f;
      }
    }
  }

  std::string path_;
  bool guest_;
  std::string buf_;
  std::vector<CpuTimes> last_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeCpuCollector(const NodeOptions& options) {
  return std::unique_ptr<Collector>(new CpuCollector(options));
}

}  // namespace cairn::exporters::node
