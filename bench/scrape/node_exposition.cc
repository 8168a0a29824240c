#include "bench/scrape/node_exposition.h"

#include <charconv>

namespace cairn::bench {
namespace {

std::vector<std::string> Cross(const std::string& a_name, int a_n, const std::string& b_name,
                               const std::vector<std::string>& b_values) {
  std::vector<std::string> out;
  for (int a = 0; a < a_n; ++a) {
    for (const auto& b : b_values) out.push_back(a_name + "=\"" + std::to_string(a) + "\"," + b_name + "=\"" + b + "\"");
  }
  return out;
}

std::vector<std::string> Devices(const std::string& label, const std::string& stem, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(label + "=\"" + stem + std::to_string(i) + "\"");
  return out;
}

// splitmix64: cheap, well-mixed per (target, series, scrape) values.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

void NodeExposition::Family(const std::string& name, const char* type, const std::string& help,
                            const std::vector<std::string>& label_sets, Kind kind) {
  bool first = true;
  for (const auto& ls : label_sets) {
    Line l;
    if (first) l.header = "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    first = false;
    l.prefix = name + (ls.empty() ? "" : "{" + ls + "}") + " ";
    l.kind = kind;
    l.rank = 0;
    lines_.push_back(std::move(l));
  }
}

NodeExposition::NodeExposition(int series) {
  const std::vector<std::string> modes = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
  // Families in node exporter's shapes, repeated with a numbered suffix until
  // `series` lines exist; the last family may be cut short.
  for (int round = 0; static_cast<int>(lines_.size()) < series; ++round) {
    const std::string r = round == 0 ? "" : "_" + std::to_string(round);
    Family("node_cpu_seconds" + r + "_total", "counter", "Seconds the CPUs spent in each mode.", Cross("cpu", 16, "mode", modes),
           Kind::kCounter);
    for (const char* m : {"receive_bytes", "transmit_bytes", "receive_packets", "transmit_packets", "receive_drop",
                          "transmit_drop"}) {
      Family(std::string("node_network_") + m + r + "_total", "counter", "Network device statistic.",
             Devices("device", "eth", 12), Kind::kCounter);
    }
    for (const char* m : {"reads_completed", "writes_completed", "read_bytes", "written_bytes", "io_time_seconds"}) {
      Family(std::string("node_disk_") + m + r + "_total", "counter", "Disk device statistic.",
             Devices("device", "sd", 10), Kind::kCounter);
    }
    for (const char* m : {"size_bytes", "avail_bytes", "free_bytes", "files", "files_free"}) {
      std::vector<std::string> mounts;
      for (int i = 0; i < 12; ++i) {
        mounts.push_back("device=\"/dev/sd" + std::to_string(i) + "\",fstype=\"ext4\",mountpoint=\"/srv/vol" +
                         std::to_string(i) + "\"");
      }
      Family(std::string("node_filesystem_") + m + r, "gauge", "Filesystem statistic.", mounts, Kind::kGauge);
    }
    for (int i = 0; i < 40; ++i) {
      Family("node_memory_field" + std::to_string(i) + "_bytes" + r, "gauge", "Memory information field.", {""},
             Kind::kGauge);
    }
    const std::vector<std::string> les = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10",
                                          "+Inf"};
    const std::string h = "http_request_duration_seconds" + r;
    bool first = true;
    for (int handler = 0; handler < 12; ++handler) {
      const std::string hl = "handler=\"/api/v" + std::to_string(handler) + "\"";
      for (size_t b = 0; b < les.size(); ++b) {
        Line l;
        if (first) l.header = "# HELP " + h + " Request latency.\n# TYPE " + h + " histogram\n";
        first = false;
        l.prefix = h + "_bucket{" + hl + ",le=\"" + les[b] + "\"} ";
        l.kind = Kind::kBucket;
        l.rank = static_cast<int>(b);
        lines_.push_back(std::move(l));
      }
      lines_.push_back({"", h + "_sum{" + hl + "} ", Kind::kCounter, 0});
      lines_.push_back({"", h + "_count{" + hl + "} ", Kind::kBucket, static_cast<int>(les.size())});
    }
  }
  lines_.resize(static_cast<size_t>(series));
}

void NodeExposition::Render(uint64_t target, uint64_t scrape, std::string* out) const {
  char buf[32];
  for (size_t i = 0; i < lines_.size(); ++i) {
    const Line& l = lines_[i];
    out->append(l.header);
    out->append(l.prefix);
    const uint64_t seed = Mix(target * 1000003u + i);
    double v = 0;
    switch (l.kind) {
      case Kind::kCounter:  // grows by a per-series rate, with jitter
        v = static_cast<double>((seed % 1000 + 1) * scrape + Mix(seed + scrape) % 100);
        break;
      case Kind::kGauge:  // wanders around a per-series level
        v = static_cast<double>(seed % 100000) + static_cast<double>(Mix(seed + scrape) % 1000) / 8.0;
        break;
      case Kind::kBucket:  // cumulative: grows with the bucket's rank and the scrape
        v = static_cast<double>((static_cast<uint64_t>(l.rank) + 1) * (scrape + 1) * 3);
        break;
    }
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out->append(buf, r.ptr);
    out->push_back('\n');
  }
}

}  // namespace cairn::bench
