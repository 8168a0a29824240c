// uname: node_uname_info, the uname(2) fields as labels.
#include <sys/utsname.h>

#include <cerrno>
#include <cstring>

#include "exporters/node/collector.h"

namespace cairn::exporters::node {
namespace {

class UnameCollector final : public Collector {
 public:
  Status Update(MetricSink& sink) override {
    struct utsname u {};
    if (::uname(&u) != 0) return Status::IOError(std::string("uname: ") + std::strerror(errno));
    sink.Family("node_uname_info", "Labeled system information as provided by the uname system call.",
                prometheus::MetricType::Gauge);
    sink.Add(1, {{"sysname", u.sysname},
                 {"release", u.release},
                 {"version", u.version},
                 {"machine", u.machine},
                 {"nodename", u.nodename},
                 {"domainname", u.domainname}});
    return Status::OK();
  }
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeUnameCollector(const NodeOptions&) {
  return std::unique_ptr<Collector>(new UnameCollector());
}

}  // namespace cairn::exporters::node
