// pressure: PSI stall totals from /proc/pressure/{cpu,io,memory}, in seconds.
// A kernel without PSI (file missing, or EOPNOTSUPP under psi=0) is "no data",
// as upstream: success 0, nothing logged as an error, the scrape goes on.
#include <string>

#include "exporters/node/collector.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"

namespace cairn::exporters::node {
namespace {

double Seconds(uint64_t us) { return double(us) / 1000.0 / 1000.0; }

class PressureCollector final : public Collector {
 public:
  explicit PressureCollector(const NodeOptions& o)
      : cpu_(o.paths.Proc("pressure/cpu")), io_(o.paths.Proc("pressure/io")),
        memory_(o.paths.Proc("pressure/memory")) {}

  Status Update(MetricSink& sink) override {
    using T = prometheus::MetricType;
    Pressure p;
    CAIRN_RETURN_IF_ERROR(Read(cpu_, p));
    if (p.some) {
      sink.Single("node_pressure_cpu_waiting_seconds_total",
                  "Total time in seconds that processes have waited for CPU time", T::Counter,
                  Seconds(p.some->total_us));
    }
    CAIRN_RETURN_IF_ERROR(Read(io_, p));
    if (p.some) {
      sink.Single("node_pressure_io_waiting_seconds_total",
                  "Total time in seconds that processes have waited due to IO congestion", T::Counter,
                  Seconds(p.some->total_us));
    }
    if (p.full) {
      sink.Single("node_pressure_io_stalled_seconds_total",
                  "Total time in seconds no process could make progress due to IO congestion", T::Counter,
                  Seconds(p.full->total_us));
    }
    CAIRN_RETURN_IF_ERROR(Read(memory_, p));
    if (p.some) {
      sink.Single("node_pressure_memory_waiting_seconds_total",
                  "Total time in seconds that processes have waited for memory", T::Counter,
                  Seconds(p.some->total_us));
    }
    if (p.full) {
      sink.Single("node_pressure_memory_stalled_seconds_total",
                  "Total time in seconds no process could make progress due to memory congestion", T::Counter,
                  Seconds(p.full->total_us));
    }
    return Status::OK();
  }

 private:
  Status Read(const std::string& path, Pressure& out) {
    Status s = ReadFileInto(path, buf_);
    if (s.code() == StatusCode::kNotFound || s.code() == StatusCode::kUnsupported) {
      return Status::Unavailable("pressure information is unavailable (" + s.message() +
                                 "): it needs Linux >= 4.20 with CONFIG_PSI and psi=1");
    }
    CAIRN_RETURN_IF_ERROR(s);
    auto parsed = ParsePressure(buf_);
    if (!parsed.ok()) return parsed.status().WithContext("failed to retrieve pressure stats");
    out = *parsed;
    return Status::OK();
  }

  std::string cpu_, io_, memory_;
  std::string buf_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakePressureCollector(const NodeOptions& options) {
  return std::unique_ptr<Collector>(new PressureCollector(options));
}

}  // namespace cairn::exporters::node
