// Exposition parsing throughput, in samples per second (items_per_second):
// a ~1,000-series node_exporter-like scrape body in the Prometheus text
// format and in OpenMetrics, parsed the way a scrape loop with a warm cache
// does (Next, SeriesKey, Value, Timestamp: no label building) and the way a
// cold one does (Labels() for every sample).
#include <benchmark/benchmark.h>

#include <string>

#include "ingest/exposition/parser.h"

namespace cairn::ingest::exposition {
namespace {

// node_exporter families with their label shapes; counts chosen so the body
// has ~1,000 series like a small host's scrape.
std::string NodeExporterBody(bool openmetrics) {
  std::string b;
  auto family = [&](const std::string& name, const std::string& type, const std::string& help) {
    b += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  const std::string total = openmetrics ? "" : "_total";
  family(openmetrics ? "node_cpu_seconds" : "node_cpu_seconds_total", "counter",
         "Seconds the CPUs spent in each mode.");
  const char* modes[] = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
  for (int cpu = 0; cpu < 32; ++cpu) {
    for (const char* mode : modes) {
      b += "node_cpu_seconds_total{cpu=\"" + std::to_string(cpu) + "\",mode=\"" + mode + "\"} " +
           std::to_string(123456 + cpu * 31) + "." + std::to_string(cpu * 7 % 100) + "\n";
    }
  }
  const char* devices[] = {"sda", "sdb", "nvme0n1", "nvme1n1", "dm-0", "dm-1", "loop0", "loop1", "loop2", "loop3", "sdc", "sdd"};
  const char* disk_counters[] = {"node_disk_read_bytes", "node_disk_written_bytes", "node_disk_reads_completed",
                                 "node_disk_writes_completed", "node_disk_io_time_seconds",
                                 "node_disk_read_time_seconds", "node_disk_write_time_seconds"};
  for (const char* c : disk_counters) {
    family(openmetrics ? c : std::string(c) + "_total", "counter", "Disk statistic.");
    for (const char* d : devices) {
      b += std::string(c) + "_total{device=\"" + d + "\"} 4.2523570176e+10\n";
    }
  }
  const char* fs_gauges[] = {"node_filesystem_avail_bytes", "node_filesystem_free_bytes",
                             "node_filesystem_size_bytes", "node_filesystem_files", "node_filesystem_files_free",
                             "node_filesystem_readonly"};
  for (const char* g : fs_gauges) {
    family(g, "gauge", "Filesystem statistic.");
    for (int m = 0; m < 20; ++m) {
      b += std::string(g) + "{device=\"/dev/sda" + std::to_string(m) + "\",fstype=\"ext4\",mountpoint=\"/mnt/" +
           std::to_string(m) + "\"} " + std::to_string(1e9 + m * 12345.5) + "\n";
    }
  }
  const char* net_counters[] = {"node_network_receive_bytes", "node_network_transmit_bytes",
                                "node_network_receive_packets", "node_network_transmit_packets",
                                "node_network_receive_errs", "node_network_transmit_errs",
                                "node_network_receive_drop", "node_network_transmit_drop"};
  for (const char* c : net_counters) {
    family(openmetrics ? c : std::string(c) + "_total", "counter", "Network device statistic.");
    for (int dev = 0; dev < 20; ++dev) {
      b += std::string(c) + "_total{device=\"eth" + std::to_string(dev) + "\"} " + std::to_string(987654321 + dev) +
           "\n";
    }
  }
  family("go_gc_duration_seconds", "summary", "A summary of the pause duration of garbage collection cycles.");
  for (const char* q : {"0", "0.25", "0.5", "0.75", "1"}) {
    b += std::string("go_gc_duration_seconds{quantile=\"") + q + "\"} 3.1e-05\n";
  }
  b += "go_gc_duration_seconds_sum 0.012\ngo_gc_duration_seconds_count 42\n";
  family("node_schedstat_running_seconds", "counter", "Number of seconds CPU spent running a process.");
  for (int cpu = 0; cpu < 32; ++cpu) {
    b += "node_schedstat_running_seconds_total{cpu=\"" + std::to_string(cpu) + "\"} 12345.678\n";
  }
  for (const char* c : {"node_softnet_processed", "node_softnet_dropped"}) {
    family(openmetrics ? c : std::string(c) + "_total", "counter", "Softnet statistic.");
    for (int cpu = 0; cpu < 32; ++cpu) {
      b += std::string(c) + "_total{cpu=\"" + std::to_string(cpu) + "\"} " + std::to_string(cpu * 1000) + "\n";
    }
  }
  family("http_request_duration_seconds", "histogram", "Latency of HTTP requests.");
  const char* les[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};
  for (const char* handler : {"/", "/metrics", "/api/v1/query", "/api/v1/query_range"}) {
    for (const char* le : les) {
      b += std::string("http_request_duration_seconds_bucket{handler=\"") + handler + "\",le=\"" + le + "\"} 17\n";
    }
    b += std::string("http_request_duration_seconds_sum{handler=\"") + handler + "\"} 1.5\n";
    b += std::string("http_request_duration_seconds_count{handler=\"") + handler + "\"} 17\n";
  }
  family("node_hwmon_temp_celsius", "gauge", "Hardware monitor for temperature.");
  for (int chip = 0; chip < 4; ++chip) {
    for (int sensor = 0; sensor < 60; ++sensor) {
      b += "node_hwmon_temp_celsius{chip=\"platform_coretemp_" + std::to_string(chip) + "\",sensor=\"temp" +
           std::to_string(sensor) + "\"} 42.5\n";
    }
  }
  if (openmetrics) b += "# EOF\n";
  return b;
}

int64_t CountSamples(Format format, const std::string& body) {
  auto p = NewParser(format, body);
  int64_t n = 0;
  for (;;) {
    Result<Entry> e = p->Next();
    if (!e.ok() || *e == Entry::kEnd) return e.ok() ? n : -1;
    if (*e == Entry::kSeries) ++n;
  }
}

void ParseBody(benchmark::State& state, Format format, bool build_labels) {
  const std::string body = NodeExporterBody(format == Format::kOpenMetrics);
  const int64_t samples = CountSamples(format, body);
  if (samples <= 0) {
    state.SkipWithError("generated body does not parse");
    return;
  }
  for (auto _ : state) {
    auto p = NewParser(format, body);
    for (;;) {
      Result<Entry> e = p->Next();
      if (!e.ok() || *e == Entry::kEnd) break;
      if (*e != Entry::kSeries) continue;
      benchmark::DoNotOptimize(p->SeriesKey().size());
      benchmark::DoNotOptimize(p->Value());
      benchmark::DoNotOptimize(p->Timestamp());
      if (build_labels) benchmark::DoNotOptimize(p->Labels().size());
    }
  }
  state.SetItemsProcessed(state.iterations() * samples);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["series"] = static_cast<double>(samples);
}

void BM_PromTextCachedSeries(benchmark::State& s) { ParseBody(s, Format::kPrometheusText, false); }
void BM_PromTextWithLabels(benchmark::State& s) { ParseBody(s, Format::kPrometheusText, true); }
void BM_OpenMetricsCachedSeries(benchmark::State& s) { ParseBody(s, Format::kOpenMetrics, false); }
void BM_OpenMetricsWithLabels(benchmark::State& s) { ParseBody(s, Format::kOpenMetrics, true); }
BENCHMARK(BM_PromTextCachedSeries);
BENCHMARK(BM_PromTextWithLabels);
BENCHMARK(BM_OpenMetricsCachedSeries);
BENCHMARK(BM_OpenMetricsWithLabels);

}  // namespace
}  // namespace cairn::ingest::exposition

BENCHMARK_MAIN();
