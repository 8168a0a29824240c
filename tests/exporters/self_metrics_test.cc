#include "exporters/common/self_metrics.h"

#include <gtest/gtest.h>

#include <ctime>
#include <map>

#include <prometheus/metric_family.h>

namespace cairn::exporters {
namespace {

std::map<std::string, prometheus::MetricFamily> ByName(const std::vector<prometheus::MetricFamily>& families) {
  std::map<std::string, prometheus::MetricFamily> out;
  for (const auto& f : families) out[f.name] = f;
  return out;
}

TEST(ProcessCollector, GoNamesAndPlausibleValues) {
  auto families = ByName(MakeProcessCollector()->Collect());
  for (const char* name : {"process_cpu_seconds_total", "process_max_fds", "process_open_fds",
                           "process_resident_memory_bytes", "process_start_time_seconds",
                           "process_virtual_memory_bytes", "process_virtual_memory_max_bytes"}) {
    ASSERT_TRUE(families.count(name)) << name;
  }
  EXPECT_EQ(families["process_cpu_seconds_total"].type, prometheus::MetricType::Counter);
  EXPECT_GT(families["process_resident_memory_bytes"].metric[0].gauge.value, 1 << 20);
  EXPECT_GT(families["process_virtual_memory_bytes"].metric[0].gauge.value,
            families["process_resident_memory_bytes"].metric[0].gauge.value);
  EXPECT_GE(families["process_open_fds"].metric[0].gauge.value, 3);
  double start = families["process_start_time_seconds"].metric[0].gauge.value;
  double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600);
}

TEST(BuildInfo, StandardShape) {
  BuildInfo info = StandardBuildInfo("node_exporter");
  EXPECT_EQ(info.metric_name, "node_exporter_build_info");
  auto families = MakeBuildInfoCollector(info)->Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].type, prometheus::MetricType::Gauge);
  EXPECT_EQ(families[0].metric[0].gauge.value, 1);
  std::vector<std::string> names;
  for (const auto& l : families[0].metric[0].label) names.push_back(l.name);
  EXPECT_EQ(names, (std::vector<std::string>{"branch", "goarch", "goos", "goversion", "revision", "version"}));
}

}  // namespace
}  // namespace cairn::exporters
