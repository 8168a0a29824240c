// The metrics every exporter exports about itself.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>

namespace cairn::exporters {

// `process_*` as Go's process collector names them (client_golang
// prometheus.NewProcessCollector): process_cpu_seconds_total,
// process_open_fds, process_max_fds, process_virtual_memory_bytes,
// process_virtual_memory_max_bytes, process_resident_memory_bytes,
// process_start_time_seconds; read from /proc/<pid> (`proc_root` for tests).
// go_* (Go runtime) and promhttp's own metrics are upstream-only or see
// HandlerMetrics below.
std::shared_ptr<prometheus::Collectable> MakeProcessCollector(std::string proc_root = "/proc");

// The build-info gauge (value 1). Upstream exporters use prometheus/common's
// version collector ("<program>_build_info{branch,goversion,revision,version}")
// or, like nginx-prometheus-exporter, a shape of their own; give its exact name
// and label names here. Label values are written in the order given.
struct BuildInfo {
  std::string metric_name;  // "nginxexporter_build_info"
  std::string help;
  std::vector<std::pair<std::string, std::string>> labels;
};

// prometheus/common's version collector shape for `program` ("node_exporter"
// -> node_exporter_build_info): branch, goversion (here the C++ compiler that
// built Cairn: there is no Go), revision, version (Cairn's version), and the
// goarch/goos/tags labels client_golang's newer versions add.
BuildInfo StandardBuildInfo(const std::string& program);

std::shared_ptr<prometheus::Collectable> MakeBuildInfoCollector(BuildInfo info);

// Cairn's version ("0.1.0"), the C++ compiler ("gcc 12.2.0"), the CPU
// architecture in Go's spelling ("amd64") and the OS ("linux").
const std::string& CairnVersion();
const std::string& CompilerVersion();
const std::string& GoArch();

}  // namespace cairn::exporters
