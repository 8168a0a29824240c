#include "exporters/postgres/pg_setting.h"

#include <gtest/gtest.h>

namespace cairn::exporters::postgres {
namespace {

SettingSample Sample(PgSetting s) {
  Result<SettingSample> r = SettingToSample(s);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : SettingSample{};
}

TEST(PgSettingTest, BooleansAreOneOrZero) {
  EXPECT_EQ(Sample({"fsync", "on", "", "Forces sync.", "bool"}).value, 1);
  SettingSample off = Sample({"fsync", "off", "", "Forces sync.", "bool"});
  EXPECT_EQ(off.value, 0);
  EXPECT_EQ(off.metric_name, "pg_settings_fsync");
  EXPECT_EQ(off.help, "Forces sync.");
}

TEST(PgSettingTest, TimeUnitsBecomeSeconds) {
  SettingSample ms = Sample({"deadlock_timeout", "1000", "ms", "Lock wait.", "integer"});
  EXPECT_EQ(ms.metric_name, "pg_settings_deadlock_timeout_seconds");
  EXPECT_EQ(ms.value, 1);
  EXPECT_EQ(ms.help, "Lock wait. [Units converted to seconds.]");
  EXPECT_EQ(Sample({"bgwriter_delay", "200", "ms", "", "integer"}).value, 0.2);
  EXPECT_EQ(Sample({"checkpoint_timeout", "300", "s", "", "integer"}).value, 300);
  EXPECT_EQ(Sample({"log_rotation_age", "1440", "min", "", "integer"}).value, 86400);
  EXPECT_EQ(Sample({"x", "2", "h", "", "integer"}).value, 7200);
  EXPECT_EQ(Sample({"x", "1", "d", "", "integer"}).value, 86400);
}

TEST(PgSettingTest, SizeUnitsBecomeBytes) {
  SettingSample work_mem = Sample({"work_mem", "4096", "kB", "Query memory.", "integer"});
  EXPECT_EQ(work_mem.metric_name, "pg_settings_work_mem_bytes");
  EXPECT_EQ(work_mem.value, 4194304);
  EXPECT_EQ(work_mem.help, "Query memory. [Units converted to bytes.]");
  EXPECT_EQ(Sample({"shared_buffers", "16384", "8kB", "", "integer"}).value, 134217728);
  EXPECT_EQ(Sample({"wal_segment_size", "1", "16MB", "", "integer"}).value, 16777216);
  EXPECT_EQ(Sample({"x", "1", "MB", "", "integer"}).value, 1048576);
  EXPECT_EQ(Sample({"x", "1", "GB", "", "integer"}).value, 1073741824);
  EXPECT_EQ(Sample({"x", "3", "B", "", "integer"}).value, 3);
}

TEST(PgSettingTest, MinusOneStaysUnconverted) {
  SettingSample s = Sample({"temp_file_limit", "-1", "kB", "", "integer"});
  EXPECT_EQ(s.metric_name, "pg_settings_temp_file_limit_bytes");
  EXPECT_EQ(s.value, -1);
}

TEST(PgSettingTest, RealsAndUnitlessNumbers) {
  SettingSample s = Sample({"seq_page_cost", "1.5", "", "Cost.", "real"});
  EXPECT_EQ(s.metric_name, "pg_settings_seq_page_cost");
  EXPECT_EQ(s.value, 1.5);
  EXPECT_EQ(s.help, "Cost.");
}

TEST(PgSettingTest, DotsInNamesBecomeUnderscores) {
  EXPECT_EQ(Sample({"pg_stat_statements.max", "5000", "", "", "integer"}).metric_name,
            "pg_settings_pg_stat_statements_max");
}

TEST(PgSettingTest, UnitSuffixInValueIsStripped) {
  EXPECT_EQ(Sample({"x", "5ms", "ms", "", "integer"}).value, 0.005);
}

TEST(PgSettingTest, RejectsWhatItCannotConvert) {
  EXPECT_FALSE(SettingToSample({"x", "1", "furlong", "", "integer"}).ok());
  EXPECT_FALSE(SettingToSample({"x", "many", "", "", "integer"}).ok());
  EXPECT_FALSE(SettingToSample({"x", "a", "", "", "string"}).ok());
}

}  // namespace
}  // namespace cairn::exporters::postgres
