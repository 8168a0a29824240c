// stat: the system-wide counters of /proc/stat (interrupts, context switches,
// forks, boot time, running and blocked processes).
#include <string>

#include "exporters/node/collector.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"

namespace cairn::exporters::node {
namespace {

class StatCollector final : public Collector {
 public:
  explicit StatCollector(const NodeOptions& o) : path_(o.paths.Proc("stat")) {}

  Status Update(MetricSink& sink) override {
    CAIRN_RETURN_IF_ERROR(ReadFileInto(path_, buf_));
    auto s = ParseProcStat(buf_);
    if (!s.ok()) return s.status();
    using T = prometheus::MetricType;
    sink.Single("node_intr_total", "Total number of interrupts serviced.", T::Counter, double(s->intr));
    sink.Single("node_context_switches_total", "Total number of context switches.", T::Counter,
                double(s->context_switches));
    sink.Single("node_forks_total", "Total number of forks.", T::Counter, double(s->forks));
    sink.Single("node_boot_time_seconds", "Node boot time, in unixtime.", T::Gauge, double(s->boot_time));
    sink.Single("node_procs_running", "Number of processes in runnable state.", T::Gauge,
                double(s->procs_running));
    sink.Single("node_procs_blocked", "Number of processes blocked waiting for I/O to complete.", T::Gauge,
                double(s->procs_blocked));
    return Status::OK();
  }

 private:
  std::string path_;
  std::string buf_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeStatCollector(const NodeOptions& options) {
  return std::unique_ptr<Collector>(new StatCollector(options));
}

}  // namespace cairn::exporters::node
