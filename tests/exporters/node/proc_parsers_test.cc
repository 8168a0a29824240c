#include "exporters/node/proc_parsers.h"

#include <gtest/gtest.h>

#include "testdata_util.h"

namespace cairn::exporters::node {
namespace {

using testing::ReadTestdata;

TEST(ProcStat, ParsesCpusAndCounters) {
  auto s = ParseProcStat(ReadTestdata("proc/stat"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->cpus.size(), 2u);  // the aggregate "cpu" line is not a CPU
  EXPECT_EQ(s->cpus[0].cpu, 0);
  EXPECT_DOUBLE_EQ(s->cpus[0].user, 15297.95);  // ticks / USER_HZ
  EXPECT_DOUBLE_EQ(s->cpus[0].idle, 2876.01);
  EXPECT_DOUBLE_EQ(s->cpus[1].steal, 502.55);
  EXPECT_DOUBLE_EQ(s->cpus[1].guest, 1.2);
  EXPECT_DOUBLE_EQ(s->cpus[1].guest_nice, 0.07);
  EXPECT_EQ(s->boot_time, 1796623880u);
  EXPECT_EQ(s->intr, 16326031u);
  EXPECT_EQ(s->context_switches, 38014093u);
  EXPECT_EQ(s->forks, 26442u);
  EXPECT_EQ(s->procs_running, 2u);
  EXPECT_EQ(s->procs_blocked, 1u);
}

TEST(ProcStat, OldKernelWithFewerCpuColumnsLeavesZeros) {
  auto s = ParseProcStat("cpu0 100 200 300 400\nbtime 5\n");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->cpus.size(), 1u);
  EXPECT_DOUBLE_EQ(s->cpus[0].idle, 4);
  EXPECT_DOUBLE_EQ(s->cpus[0].steal, 0);
}

TEST(ProcStat, RejectsGarbageWhereProcfsDoes) {
  EXPECT_FALSE(ParseProcStat("btime abc\n").ok());
  EXPECT_FALSE(ParseProcStat("cpuX 1 2 3\n").ok());
  EXPECT_FALSE(ParseProcStat("cpu0 1 x 3\n").ok());
  EXPECT_TRUE(ParseProcStat("lonely\n\n").ok());  // fewer than two fields: skipped
}

TEST(Meminfo, NamesAsNodeExporter) {
  auto m = ParseMeminfo(ReadTestdata("proc/meminfo"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto find = [&](const std::string& name) -> double {
    for (const auto& f : *m) {
      if (f.name == name) return f.value;
    }
    ADD_FAILURE() << "missing " << name;
    return -1;
  };
  EXPECT_DOUBLE_EQ(find("MemTotal_bytes"), 24683784.0 * 1024);
  EXPECT_DOUBLE_EQ(find("Active_anon_bytes"), 40960.0 * 1024);
  EXPECT_DOUBLE_EQ(find("Inactive_file_bytes"), 204800.0 * 1024);
  EXPECT_DOUBLE_EQ(find("HugePages_Total"), 0);  // no unit, no _bytes
  EXPECT_DOUBLE_EQ(find("Hugepagesize_bytes"), 2048.0 * 1024);
  EXPECT_EQ(m->size(), 11u);
}

TEST(Meminfo, RepeatedKeyKeepsLastAndBadLinesFail) {
  auto m = ParseMeminfo("A: 1 kB\n\nA: 2 kB\n");
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_DOUBLE_EQ((*m)[0].value, 2048);
  EXPECT_FALSE(ParseMeminfo("MemTotal:\n").ok());
  EXPECT_FALSE(ParseMeminfo("MemTotal: x kB\n").ok());
  EXPECT_FALSE(ParseMeminfo("MemTotal: 1 kB extra\n").ok());
}

TEST(Loadavg, ThreeFloats) {
  auto l = ParseLoadavg(ReadTestdata("proc/loadavg"));
  ASSERT_TRUE(l.ok());
  EXPECT_DOUBLE_EQ((*l)[0], 0.52);
  EXPECT_DOUBLE_EQ((*l)[1], 0.58);
  EXPECT_DOUBLE_EQ((*l)[2], 0.59);
  EXPECT_FALSE(ParseLoadavg("0.1 0.2").ok());
  EXPECT_FALSE(ParseLoadavg("0.1 zero 0.2").ok());
}

TEST(Mounts, UnescapesMountPoints) {
  auto m = ParseMounts(ReadTestdata("proc/1/mounts"));
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 9u);
  EXPECT_EQ((*m)[2].device, "/dev/vda");
  EXPECT_EQ((*m)[2].mount_point, "/");
  EXPECT_EQ((*m)[2].fs_type, "ext4");
  EXPECT_EQ((*m)[2].options, "rw,relatime,discard");
  EXPECT_EQ((*m)[5].mount_point, "/srv/my data");
  EXPECT_EQ(ParseMounts("a /b\\011c t o\n")->at(0).mount_point, "/b\tc");
  EXPECT_FALSE(ParseMounts("a /b t\n").ok());
}

TEST(Diskstats, CountsColumnsAndDropsShortLines) {
  auto d = ParseDiskstats(ReadTestdata("proc/diskstats"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->size(), 5u);  // "short" has fewer than 11 counters
  EXPECT_EQ((*d)[0].device, "vda");
  EXPECT_EQ((*d)[0].major, 254u);
  EXPECT_EQ((*d)[0].stat_count, 17);
  EXPECT_EQ((*d)[0].stats[2], 49307652u);
  EXPECT_EQ((*d)[0].stats[16], 87234u);
  EXPECT_EQ((*d)[2].stat_count, 15);  // loop0: a 4.18..5.4 kernel's line
  EXPECT_EQ((*d)[3].stat_count, 11);  // sda: a pre-4.18 kernel's line
  EXPECT_FALSE(ParseDiskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 x\n").ok());
}

TEST(NetDev, SkipsHeadersAndSplitsOnLastColon) {
  auto n = ParseNetDev(ReadTestdata("proc/net/dev"));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(n->size(), 3u);
  EXPECT_EQ((*n)[1].device, "eth0");
  EXPECT_EQ((*n)[1].stats[0], 95424831u);
  EXPECT_EQ((*n)[1].stats[15], 12u);
  // An old kernel prints no space after the colon.
  auto tight = ParseNetDev("h1\nh2\neth1:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
  ASSERT_TRUE(tight.ok());
  EXPECT_EQ((*tight)[0].device, "eth1");
  EXPECT_EQ((*tight)[0].stats[0], 1u);
  EXPECT_FALSE(ParseNetDev("h1\nh2\neth0 1 2\n").ok());
  EXPECT_FALSE(ParseNetDev("h1\nh2\neth0: 1 2\n").ok());
  EXPECT_FALSE(ParseNetDev("h1\nh2\n : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n").ok());
}

TEST(Vmstat, PairsInOrder) {
  auto v = ParseVmstat(ReadTestdata("proc/vmstat"));
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 9u);
  EXPECT_EQ((*v)[1].name, "pgpgin");
  EXPECT_DOUBLE_EQ((*v)[1].value, 24653468);
  EXPECT_FALSE(ParseVmstat("pgfault\n").ok());
  EXPECT_FALSE(ParseVmstat("pgfault many\n").ok());
}

TEST(Pressure, SomeAndFull) {
  auto p = ParsePressure(ReadTestdata("proc/pressure/io"));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->some && p->full);
  EXPECT_EQ(p->some->total_us, 240930805u);
  EXPECT_DOUBLE_EQ(p->some->avg60, 0.10);
  EXPECT_EQ(p->full->total_us, 79363791u);
  auto cpu_only_some = ParsePressure("some avg10=1.00 avg60=2.00 avg300=3.00 total=7\nfuture x=1\n");
  ASSERT_TRUE(cpu_only_some.ok());
  EXPECT_FALSE(cpu_only_some->full.has_value());
  EXPECT_FALSE(ParsePressure("some avg10=1.00 avg60=2.00 avg300=3.00\n").ok());
  EXPECT_FALSE(ParsePressure("some avg10=1.00 avg60=2.00 avg300=3.00 totl=1\n").ok());
}

TEST(Udev, PropertiesOnly) {
  auto u = ParseUdevProperties(ReadTestdata("udev/b254:0"));
  ASSERT_EQ(u.size(), 10u);
  EXPECT_EQ(u[0].first, "ID_PATH");
  EXPECT_EQ(u[0].second, "pci-0000:00:04.0");
}

TEST(SplitWords, Whitespace) {
  auto w = SplitWords(ReadTestdata("sys/devices/system/clocksource/clocksource0/available_clocksource"));
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1], "kvm-clock");
}

}  // namespace
}  // namespace cairn::exporters::node
