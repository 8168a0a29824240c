// vmstat: the /proc/vmstat fields matching --collector.vmstat.fields, as
// untyped node_vmstat_<field> (upstream's type).
#include <memory>
#include <string>

#include "exporters/node/collector.h"
#include "exporters/node/device_filter.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"

namespace cairn::exporters::node {
namespace {

class VmstatCollector final : public Collector {
 public:
  VmstatCollector(const NodeOptions& o, std::shared_ptr<const RE2> fields)
      : path_(o.paths.Proc("vmstat")), fields_(std::move(fields)) {}

  Status Update(MetricSink& sink) override {
    CAIRN_RETURN_IF_ERROR(ReadFileInto(path_, buf_));
    auto parsed = ParseVmstat(buf_);
    if (!parsed.ok()) return parsed.status();
    std::string name, help;
    for (const VmstatField& f : *parsed) {
      if (!Matches(*fields_, f.name)) continue;
      name.assign("node_vmstat_").append(f.name);
      help.assign("/proc/vmstat information field ").append(f.name).append(".");
      sink.Single(name, help, prometheus::MetricType::Untyped, f.value);
    }
    return Status::OK();
  }

 private:
  std::string path_;
  std::shared_ptr<const RE2> fields_;
  std::string buf_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeVmstatCollector(const NodeOptions& options) {
  auto re = CompileFlagRegex("collector.vmstat.fields", options.vmstat_fields);
  if (!re.ok()) return re.status();
  return std::unique_ptr<Collector>(new VmstatCollector(options, *re));
}

}  // namespace cairn::exporters::node
