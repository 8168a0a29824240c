// The collectors end to end on the fixture tree (testdata/proc, testdata/sys,
// testdata/udev) through NodeCollector, as a scrape sees them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "exporters/node/node_collector.h"
#include "testdata_util.h"

namespace cairn::exporters::node {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;
using testing::TestdataPath;

NodeOptions FixtureOptions(std::set<std::string> collectors) {
  NodeOptions o;
  o.paths.procfs = TestdataPath("proc");
  o.paths.sysfs = TestdataPath("sys");
  o.paths.udev_data = TestdataPath("udev");
  o.collectors = std::move(collectors);
  return o;
}

std::vector<MetricFamily> Scrape(const NodeOptions& o) {
  auto nc = NodeCollector::Make(o);
  EXPECT_TRUE(nc.ok()) << nc.status().ToString();
  if (!nc.ok()) return {};
  (*nc)->SetErrorLog(nullptr);
  return (*nc)->Collect();
}

const MetricFamily* Find(const std::vector<MetricFamily>& fs, const std::string& name) {
  for (const auto& f : fs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Label(const prometheus::ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label) {
    if (l.name == name) return l.value;
  }
  return "<none>";
}

double Value(const MetricFamily& f, const prometheus::ClientMetric& m) {
  switch (f.type) {
    case MetricType::Counter: return m.counter.value;
    case MetricType::Gauge: return m.gauge.value;
    default: return m.untyped.value;
  }
}

// The value of the sample of `family` whose labels include all of `match`.
double Sample(const std::vector<MetricFamily>& fs, const std::string& family,
              std::vector<std::pair<std::string, std::string>> match = {}) {
  const MetricFamily* f = Find(fs, family);
  if (f == nullptr) {
    ADD_FAILURE() << "no family " << family;
    return -1;
  }
  for (const auto& m : f->metric) {
    bool all = true;
    for (const auto& [k, v] : match) all &= Label(m, k) == v;
    if (all) return Value(*f, m);
  }
  ADD_FAILURE() << "no matching sample in " << family;
  return -1;
}

double Success(const std::vector<MetricFamily>& fs, const std::string& collector) {
  return Sample(fs, "node_scrape_collector_success", {{"collector", collector}});
}

TEST(NodeCollector, AllCollectorsOnFixturesSucceed) {
  std::set<std::string> all(CollectorNames().begin(), CollectorNames().end());
  auto fs = Scrape(FixtureOptions(all));
  for (const auto& name : all) EXPECT_EQ(Success(fs, name), 1) << name;
  ASSERT_NE(Find(fs, "node_scrape_collector_duration_seconds"), nullptr);
  EXPECT_EQ(Find(fs, "node_scrape_collector_duration_seconds")->metric.size(), all.size());
  for (size_t i = 1; i < fs.size(); ++i) EXPECT_LT(fs[i - 1].name, fs[i].name) << "sorted, no duplicates";
  for (const auto& f : fs) EXPECT_FALSE(f.metric.empty()) << f.name;
}

TEST(NodeCollector, UnknownCollectorAndBadRegexFailAtStart) {
  EXPECT_FALSE(NodeCollector::Make(FixtureOptions({"nosuch"})).ok());
  NodeOptions o = FixtureOptions({"vmstat"});
  o.vmstat_fields = "(";
  EXPECT_FALSE(NodeCollector::Make(o).ok());
  o = FixtureOptions({"netdev"});
  o.netdev_device_include = "eth";
  EXPECT_FALSE(NodeCollector::Make(o).ok()) << "include and exclude are mutually exclusive";
}

TEST(Cpu, SecondsPerModeAndGuest) {
  auto fs = Scrape(FixtureOptions({"cpu"}));
  const MetricFamily* f = Find(fs, "node_cpu_seconds_total");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->type, MetricType::Counter);
  EXPECT_EQ(f->metric.size(), 16u);  // 2 CPUs x 8 modes
  EXPECT_DOUBLE_EQ(Sample(fs, "node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "idle"}}), 2971.10);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_cpu_guest_seconds_total", {{"cpu", "1"}, {"mode", "nice"}}), 0.07);
  NodeOptions no_guest = FixtureOptions({"cpu"});
  no_guest.cpu_guest = false;
  EXPECT_EQ(Find(Scrape(no_guest), "node_cpu_guest_seconds_total"), nullptr);
}

TEST(Cpu, CounterGoingBackwardsKeepsLastValue) {
  auto dir = std::filesystem::temp_directory_path() / ("node_cpu_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& text) { std::ofstream(dir / "stat") << text; };
  NodeOptions o = FixtureOptions({"cpu"});
  o.paths.procfs = dir.string();
  auto nc = NodeCollector::Make(o);
  ASSERT_TRUE(nc.ok());
  write("cpu0 1000 0 0 50000 0 0 0 0 0 0\n");
  (*nc)->Collect();
  write("cpu0 900 0 0 50100 0 0 0 0 0 0\n");  // user went back: keep 10 s
  auto fs = (*nc)->Collect();
  EXPECT_DOUBLE_EQ(Sample(fs, "node_cpu_seconds_total", {{"mode", "user"}}), 10);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_cpu_seconds_total", {{"mode", "idle"}}), 501);
  write("cpu0 800 0 0 100 0 0 0 0 0 0\n");  // idle back by >= 3 s: hotplug, start over
  fs = (*nc)->Collect();
  EXPECT_DOUBLE_EQ(Sample(fs, "node_cpu_seconds_total", {{"mode", "user"}}), 8);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_cpu_seconds_total", {{"mode", "idle"}}), 1);
  std::filesystem::remove_all(dir);
}

TEST(Meminfo, FamiliesNamedAsUpstream) {
  auto fs = Scrape(FixtureOptions({"meminfo"}));
  EXPECT_DOUBLE_EQ(Sample(fs, "node_memory_MemTotal_bytes"), 24683784.0 * 1024);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_memory_MemAvailable_bytes"), 20000000.0 * 1024);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_memory_Active_anon_bytes"), 40960.0 * 1024);
  EXPECT_EQ(Find(fs, "node_memory_HugePages_Total")->type, MetricType::Gauge);
  EXPECT_EQ(Find(fs, "node_memory_MemTotal_bytes")->help, "Memory information field MemTotal_bytes.");
}

TEST(LoadavgAndStat, Values) {
  auto fs = Scrape(FixtureOptions({"loadavg", "stat"}));
  EXPECT_DOUBLE_EQ(Sample(fs, "node_load1"), 0.52);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_load15"), 0.59);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_boot_time_seconds"), 1796623880);
  EXPECT_EQ(Find(fs, "node_boot_time_seconds")->type, MetricType::Gauge);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_context_switches_total"), 38014093);
  EXPECT_EQ(Find(fs, "node_forks_total")->type, MetricType::Counter);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_procs_blocked"), 1);
}

TEST(Filesystem, ExcludesDedupsAndReportsDeviceErrors) {
  auto fs = Scrape(FixtureOptions({"filesystem"}));
  const MetricFamily* err = Find(fs, "node_filesystem_device_error");
  ASSERT_NE(err, nullptr);
  // "/" once (listed twice), "/srv/my data" and "/does-not-exist"; /proc, /sys,
  // /dev/shm, cgroup2 and /media/cdrom are excluded by the Debian defaults.
  ASSERT_EQ(err->metric.size(), 3u);
  EXPECT_EQ(Sample(fs, "node_filesystem_device_error", {{"mountpoint", "/"}}), 0);
  EXPECT_EQ(Sample(fs, "node_filesystem_device_error", {{"mountpoint", "/srv/my data"}}), 1);
  EXPECT_EQ(Sample(fs, "node_filesystem_device_error", {{"mountpoint", "/does-not-exist"}}), 1);
  const MetricFamily* size = Find(fs, "node_filesystem_size_bytes");
  ASSERT_EQ(size->metric.size(), 1u);  // failed mounts report only device_error
  EXPECT_EQ(Label(size->metric[0], "device"), "/dev/vda");
  EXPECT_EQ(Label(size->metric[0], "fstype"), "ext4");
  EXPECT_GT(size->metric[0].gauge.value, 0);
  EXPECT_EQ(Sample(fs, "node_filesystem_readonly", {{"mountpoint", "/"}}), 0);

  NodeOptions o = FixtureOptions({"filesystem"});
  o.filesystem_mount_points_exclude = "^/does";
  o.filesystem_fs_types_exclude = "^ext4$";
  fs = Scrape(o);
  err = Find(fs, "node_filesystem_device_error");
  // Both defaults replaced: proc, sysfs, tmpfs, cgroup2 and iso9660 now in; ext4 out.
  ASSERT_EQ(err->metric.size(), 5u);
  EXPECT_EQ(Sample(fs, "node_filesystem_readonly", {{"mountpoint", "/proc"}, {"fstype", "proc"}}), 0);
  EXPECT_EQ(Sample(fs, "node_filesystem_device_error", {{"mountpoint", "/media/cdrom"}}), 1);
}

TEST(Filesystem, FallsBackToProcMountsAndStripsRootfs) {
  auto dir = std::filesystem::temp_directory_path() / ("node_fs_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "host" / "data");
  std::ofstream(dir / "mounts") << "/dev/x " << (dir / "host").string() << "/data ext4 ro 0 0\n";
  NodeOptions o = FixtureOptions({"filesystem"});
  o.paths.procfs = dir.string();  // no 1/mounts here
  o.paths.rootfs = (dir / "host").string();
  auto fs = Scrape(o);
  EXPECT_EQ(Success(fs, "filesystem"), 1);
  EXPECT_EQ(Sample(fs, "node_filesystem_readonly", {{"mountpoint", "/data"}}), 1);
  std::filesystem::remove_all(dir);
}

TEST(Diskstats, DefaultExcludeUnitsAndUdev) {
  auto fs = Scrape(FixtureOptions({"diskstats"}));
  const MetricFamily* info = Find(fs, "node_disk_info");
  ASSERT_NE(info, nullptr);
  ASSERT_EQ(info->metric.size(), 3u);  // vda, sda, zram0; not vda1 or loop0
  EXPECT_DOUBLE_EQ(Sample(fs, "node_disk_read_bytes_total", {{"device", "vda"}}), 49307652.0 * 512);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_disk_read_time_seconds_total", {{"device", "vda"}}), 2301.892);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_disk_flush_requests_time_seconds_total", {{"device", "vda"}}), 87.234);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_disk_discarded_sectors_total", {{"device", "vda"}}), 2048);
  EXPECT_EQ(Find(fs, "node_disk_io_now")->type, MetricType::Gauge);
  // sda's line has 11 counters: no discard or flush samples for it.
  EXPECT_EQ(Find(fs, "node_disk_flush_requests_total")->metric.size(), 2u);
  EXPECT_EQ(Sample(fs, "node_disk_info", {{"device", "vda"}, {"model", "QEMU_HARDDISK"}, {"major", "254"}}), 1);
  EXPECT_EQ(Sample(fs, "node_disk_info", {{"device", "sda"}, {"model", ""}, {"path", ""}}), 1);
  EXPECT_EQ(Sample(fs, "node_disk_filesystem_info", {{"device", "vda"}, {"type", "ext4"}}), 1);
  EXPECT_EQ(Sample(fs, "node_disk_ata_rotation_rate_rpm", {{"device", "vda"}}), 0);
  EXPECT_EQ(Find(fs, "node_disk_device_mapper_info"), nullptr);

  NodeOptions o = FixtureOptions({"diskstats"});
  o.diskstats_device_exclude.clear();
  o.diskstats_device_include = "^vda";
  EXPECT_EQ(Find(Scrape(o), "node_disk_info")->metric.size(), 2u);
}

TEST(Netdev, LegacyNamesFilterAndNohandler) {
  auto fs = Scrape(FixtureOptions({"netdev"}));
  const MetricFamily* rx = Find(fs, "node_network_receive_bytes_total");
  ASSERT_NE(rx, nullptr);
  EXPECT_EQ(rx->metric.size(), 2u);  // lo excluded by default
  EXPECT_EQ(rx->help, "Network device statistic receive_bytes.");
  EXPECT_EQ(Sample(fs, "node_network_receive_bytes_total", {{"device", "eth0"}}), 95424831);
  EXPECT_EQ(Sample(fs, "node_network_receive_drop_total", {{"device", "eth0"}}), 2);
  EXPECT_EQ(Sample(fs, "node_network_transmit_colls_total", {{"device", "eth0"}}), 10);
  EXPECT_EQ(Sample(fs, "node_network_transmit_carrier_total", {{"device", "eth0"}}), 11);
  EXPECT_EQ(Sample(fs, "node_network_receive_nohandler_total", {{"device", "eth0"}}), 42);
  EXPECT_EQ(Sample(fs, "node_network_receive_nohandler_total", {{"device", "ifb0"}}), 0);
  size_t families = 0;
  for (const auto& f : fs) families += f.name.rfind("node_network_", 0) == 0;
  EXPECT_EQ(families, 17u);

  NodeOptions o = FixtureOptions({"netdev"});
  o.netdev_device_exclude.clear();
  o.netdev_device_include = "^(lo|eth0)$";
  o.netdev_netlink = false;
  fs = Scrape(o);
  EXPECT_EQ(Find(fs, "node_network_receive_bytes_total")->metric.size(), 2u);
  EXPECT_EQ(Find(fs, "node_network_receive_nohandler_total"), nullptr);
}

TEST(Vmstat, DefaultFieldsUntyped) {
  auto fs = Scrape(FixtureOptions({"vmstat"}));
  EXPECT_EQ(Find(fs, "node_vmstat_nr_free_pages"), nullptr);
  EXPECT_EQ(Find(fs, "node_vmstat_pgfree"), nullptr);
  EXPECT_EQ(Sample(fs, "node_vmstat_oom_kill"), 2);
  EXPECT_EQ(Sample(fs, "node_vmstat_pgmajfault"), 4321);
  EXPECT_EQ(Find(fs, "node_vmstat_pgpgin")->type, MetricType::Untyped);
  EXPECT_EQ(Find(fs, "node_vmstat_pgpgin")->help, "/proc/vmstat information field pgpgin.");
}

TEST(Pressure, SecondsAndMissingPsiIsNoData) {
  auto fs = Scrape(FixtureOptions({"pressure"}));
  EXPECT_DOUBLE_EQ(Sample(fs, "node_pressure_cpu_waiting_seconds_total"), 12755.397832);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_pressure_io_stalled_seconds_total"), 79.363791);
  EXPECT_DOUBLE_EQ(Sample(fs, "node_pressure_memory_stalled_seconds_total"), 0.5);
  EXPECT_EQ(Find(fs, "node_pressure_cpu_stalled_seconds_total"), nullptr) << "1.5 has no cpu full";

  NodeOptions o = FixtureOptions({"pressure"});
  o.paths.procfs = TestdataPath("sys");  // no pressure/ there
  std::string logged;
  auto nc = NodeCollector::Make(o);
  ASSERT_TRUE(nc.ok());
  (*nc)->SetErrorLog([&](const std::string& m) { logged += m; });
  fs = (*nc)->Collect();
  EXPECT_EQ(Success(fs, "pressure"), 0);
  EXPECT_EQ(Find(fs, "node_pressure_cpu_waiting_seconds_total"), nullptr);
  EXPECT_EQ(logged, "") << "no data is not an error";
}

TEST(Failures, MissingFileFailsOnlyThatCollector) {
  NodeOptions o = FixtureOptions({"loadavg", "uname"});
  o.paths.procfs = "/nonexistent";
  std::string logged;
  auto nc = NodeCollector::Make(o);
  ASSERT_TRUE(nc.ok());
  (*nc)->SetErrorLog([&](const std::string& m) { logged += m; });
  auto fs = (*nc)->Collect();
  EXPECT_EQ(Success(fs, "loadavg"), 0);
  EXPECT_EQ(Success(fs, "uname"), 1);
  EXPECT_NE(logged.find("name=loadavg"), std::string::npos);
}

TEST(UnameAndTime, Labels) {
  auto fs = Scrape(FixtureOptions({"uname", "time"}));
  const MetricFamily* u = Find(fs, "node_uname_info");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(Label(u->metric[0], "sysname"), "Linux");
  EXPECT_NE(Label(u->metric[0], "domainname"), "<none>");
  EXPECT_GT(Sample(fs, "node_time_seconds"), 1.7e9);
  EXPECT_NE(Label(Find(fs, "node_time_zone_offset_seconds")->metric[0], "time_zone"), "<none>");
  EXPECT_EQ(Find(fs, "node_time_clocksource_available_info")->metric.size(), 3u);
  EXPECT_EQ(Sample(fs, "node_time_clocksource_current_info", {{"device", "0"}, {"clocksource", "tsc"}}), 1);
}

}  // namespace
}  // namespace cairn::exporters::node
