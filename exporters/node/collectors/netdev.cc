// netdev: node_network_{receive,transmit}_*_total per device from
// /proc/net/dev, under upstream's legacy names. Upstream 1.5 reads the same
// kernel counters over netlink by default; /proc/net/dev already folds them the
// way upstream's legacy() does (drop = dropped + missed, frame = frame + length
// + over + crc, carrier = carrier + aborted + heartbeat + window), and the one
// counter it lacks, receive_nohandler, is read from
// /sys/class/net/<dev>/statistics/rx_nohandler (netlink mode only, as upstream).
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "exporters/node/collector.h"
#include "exporters/node/device_filter.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"

namespace cairn::exporters::node {
namespace {

// The /proc/net/dev columns, in order, as upstream names them.
const char* const kColumns[16] = {
    "receive_bytes",  "receive_packets",  "receive_errs",  "receive_drop",
    "receive_fifo",   "receive_frame",    "receive_compressed", "receive_multicast",
    "transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop",
    "transmit_fifo",  "transmit_colls",   "transmit_carrier", "transmit_compressed",
};

class NetdevCollector final : public Collector {
 public:
  NetdevCollector(const NodeOptions& o, DeviceFilter filter)
      : path_(o.paths.Proc("net/dev")), paths_(o.paths), netlink_(o.netdev_netlink), filter_(std::move(filter)) {}

  Status Update(MetricSink& sink) override {
    CAIRN_RETURN_IF_ERROR(ReadFileInto(path_, buf_));
    auto parsed = ParseNetDev(buf_);
    if (!parsed.ok()) return parsed.status().WithContext("couldn't get netstats");
    std::vector<NetDevStats> devs;
    for (NetDevStats& d : *parsed) {
      if (!filter_.Ignored(d.device)) devs.push_back(std::move(d));
    }
    std::string name, help;
    for (int c = 0; c < 16; ++c) {
      Begin(sink, kColumns[c], name, help);
      for (const NetDevStats& d : devs) sink.Add(double(d.stats[c]), {{"device", d.device}});
    }
    if (netlink_ && !devs.empty()) {
      Begin(sink, "receive_nohandler", name, help);
      for (const NetDevStats& d : devs) {
        std::string file = paths_.Sys("class/net/" + d.device + "/statistics/rx_nohandler");
        uint64_t v = 0;
        if (ReadFileInto(file, buf_).ok()) v = std::strtoull(buf_.c_str(), nullptr, 10);
        sink.Add(double(v), {{"device", d.device}});
      }
    }
    return Status::OK();
  }

 private:
  static void Begin(MetricSink& sink, std::string_view key, std::string& name, std::string& help) {
    name.assign("node_network_").append(key).append("_total");
    help.assign("Network device statistic ").append(key).append(".");
    sink.Family(name, help, prometheus::MetricType::Counter);
  }

  std::string path_;
  Paths paths_;
  bool netlink_;
  DeviceFilter filter_;
  std::string buf_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeNetdevCollector(const NodeOptions& options) {
  auto filter = DeviceFilter::Make("collector.netdev", options.netdev_device_exclude, options.netdev_device_include);
  if (!filter.ok()) return filter.status();
  return std::unique_ptr<Collector>(new NetdevCollector(options, std::move(filter).value()));
}

}  // namespace cairn::exporters::node
