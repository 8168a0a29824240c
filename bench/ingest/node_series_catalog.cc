#include "bench/ingest/node_series_catalog.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "bench/ingest/split_mix.h"

namespace cairn::bench {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

// Collects one instance's series; labels are sorted when a series is added.
class InstanceBuilder {
 public:
  InstanceBuilder(uint32_t instance, std::vector<SeriesSpec>* out) : instance_(instance), out_(out) {
    char name[32];
    std::snprintf(name, sizeof(name), "node-%05u:9100", instance);
    instance_label_ = name;
  }

  SeriesSpec& Add(const std::string& metric, std::vector<std::pair<std::string, std::string>> extra,
                  ValueKind kind) {
    SeriesSpec s;
    s.labels = std::move(extra);
    s.labels.emplace_back("__name__", metric);
    s.labels.emplace_back("instance", instance_label_);
    s.labels.emplace_back("job", "node");
    std::sort(s.labels.begin(), s.labels.end());
    s.kind = kind;
    s.instance = instance_;
    out_->push_back(std::move(s));
    return out_->back();
  }

 private:
  uint32_t instance_;
  std::string instance_label_;
  std::vector<SeriesSpec>* out_;
};

void AddGauge(SeriesSpec& s, double start, double low, double high, double step) {
  s.start = std::clamp(start, low, high);
  s.low = low;
  s.high = high;
  s.rate = step;
}

void AddInstance(uint32_t instance, uint64_t seed, std::vector<SeriesSpec>* out) {
  SplitMix64 rng(HashWords(seed, instance, 0x1a57a11ceULL));
  InstanceBuilder b(instance, out);
  const int cpus = 4;
  const double uptime_s = 86400.0 * (1 + rng.Uniform() * 99);
  const double busy = 0.5 + rng.Uniform();  // scales non-idle CPU time

  static const std::pair<const char*, double> kModes[] = {
      {"idle", 0.0},   {"iowait", 0.02}, {"irq", 0.004},   {"nice", 0.003},
      {"softirq", 0.01}, {"steal", 0.002}, {"system", 0.06}, {"user", 0.15},
  };
  for (int cpu = 0; cpu < cpus; ++cpu) {
    double non_idle = 0;
    for (const auto& [mode, share] : kModes) {
      if (share > 0) non_idle += share * busy;
    }
    for (const auto& [mode, share] : kModes) {
      auto& s = b.Add("node_cpu_seconds_total", {{"cpu", std::to_string(cpu)}, {"mode", mode}},
                      ValueKind::kCounterCents);
      s.rate = share > 0 ? share * busy * (0.7 + 0.6 * rng.Uniform()) : std::max(0.05, 1 - non_idle);
      s.start = std::round(uptime_s * s.rate * 100) / 100;
    }
  }

  static const double kMemSizes[] = {8, 16, 32, 64};
  const double total = kMemSizes[rng.Below(4)] * kGiB;
  const double page_step = total * 0.0005;
  b.Add("node_memory_MemTotal_bytes", {}, ValueKind::kConstant).start = total;
  struct MemGauge { const char* name; double lo, hi; };
  static const MemGauge kMem[] = {
      {"node_memory_MemFree_bytes", 0.05, 0.4},   {"node_memory_MemAvailable_bytes", 0.2, 0.7},
      {"node_memory_Buffers_bytes", 0.01, 0.03},  {"node_memory_Cached_bytes", 0.1, 0.4},
      {"node_memory_SwapFree_bytes", 0.05, 0.12}, {"node_memory_Active_bytes", 0.2, 0.5},
      {"node_memory_Inactive_bytes", 0.1, 0.3},
  };
  for (const auto& m : kMem) {
    auto& s = b.Add(m.name, {}, ValueKind::kGaugePages);
    const double lo = m.lo * total, hi = m.hi * total;
    AddGauge(s, lo + (hi - lo) * rng.Uniform(), lo, hi, page_step);
  }

  static const std::pair<const char*, double> kLoads[] = {
      {"node_load1", 0.08}, {"node_load15", 0.01}, {"node_load5", 0.03}};
  const double load = cpus * busy * 0.3;
  for (const auto& [name, step] : kLoads) {
    AddGauge(b.Add(name, {}, ValueKind::kGaugeCents), load, 0, cpus * 2.0, step);
  }

  const double eth_bytes = 1e5 * (1 + 99 * rng.Uniform());
  const std::pair<const char*, double> kDevices[] = {{"eth0", eth_bytes}, {"lo", eth_bytes * 0.02}};
  for (const auto& [dev, bytes_per_s] : kDevices) {
    for (const char* dir : {"receive", "transmit"}) {
      const double dir_scale = dir[0] == 'r' ? 1.0 : 0.4 + 0.4 * rng.Uniform();
      auto& bytes = b.Add(std::string("node_network_") + dir + "_bytes_total", {{"device", dev}},
                          ValueKind::kCounterInt);
      bytes.rate = bytes_per_s * dir_scale;
      bytes.start = std::floor(uptime_s * bytes.rate);
      auto& packets = b.Add(std::string("node_network_") + dir + "_packets_total", {{"device", dev}},
                            ValueKind::kCounterInt);
      packets.rate = bytes.rate / 700;
      packets.start = std::floor(uptime_s * packets.rate);
    }
  }

  struct Mount { const char* device; const char* mountpoint; double size; };
  const Mount kMounts[] = {{"/dev/sda1", "/", (50 + 450 * rng.Uniform()) * kGiB},
                           {"/dev/sda2", "/boot", 1 * kGiB}};
  for (const auto& m : kMounts) {
    const std::vector<std::pair<std::string, std::string>> fs = {
        {"device", m.device}, {"fstype", "ext4"}, {"mountpoint", m.mountpoint}};
    const double size = std::floor(m.size / 4096) * 4096;
    b.Add("node_filesystem_size_bytes", fs, ValueKind::kConstant).start = size;
    const double used = 0.2 + 0.6 * rng.Uniform();
    AddGauge(b.Add("node_filesystem_avail_bytes", fs, ValueKind::kGaugePages), size * (0.95 - used),
             size * 0.05, size * 0.9, size * 0.00002);
    AddGauge(b.Add("node_filesystem_free_bytes", fs, ValueKind::kGaugePages), size * (1 - used),
             size * 0.1, size * 0.95, size * 0.00002);
  }

  static const double kBounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                                    std::numeric_limits<double>::infinity()};
  const std::vector<std::pair<std::string, std::string>> handler = {{"handler", "/metrics"}};
  for (double le : kBounds) {
    char le_text[32];
    if (std::isinf(le)) {
      std::snprintf(le_text, sizeof(le_text), "+Inf");
    } else {
      std::snprintf(le_text, sizeof(le_text), "%g", le);
    }
    auto labels = handler;
    labels.emplace_back("le", le_text);
    b.Add("http_request_duration_seconds_bucket", labels, ValueKind::kHistogramBucket).le = le;
  }
  b.Add("http_request_duration_seconds_sum", handler, ValueKind::kHistogramSum);
  b.Add("http_request_duration_seconds_count", handler, ValueKind::kHistogramCount);
}

}  // namespace

std::vector<SeriesSpec> BuildNodeSeries(uint64_t series_count, uint64_t seed) {
  std::vector<SeriesSpec> out;
  out.reserve(series_count + kSeriesPerInstance);
  for (uint32_t instance = 0; out.size() < series_count; ++instance) {
    AddInstance(instance, seed, &out);
  }
  out.resize(series_count);
  return out;
}

}  // namespace cairn::bench
