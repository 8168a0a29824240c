#include "exporters/postgres/query_namespace.h"

#include <cmath>

#include <gtest/gtest.h>

#include "exporters/postgres/builtin_namespaces.h"

namespace cairn::exporters::postgres {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

const MetricFamily* Find(const std::vector<MetricFamily>& fs, const std::string& name) {
  for (const MetricFamily& f : fs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Labels(const prometheus::ClientMetric& m) {
  std::string out;
  for (const auto& l : m.label) out += l.name + "=" + l.value + ",";
  return out;
}

QueryNamespace StatDatabase() {
  for (QueryNamespace& ns : BuiltinNamespaces(150400)) {
    if (ns.name == "pg_stat_database") return ns;
  }
  ADD_FAILURE() << "no pg_stat_database";
  return {};
}

TEST(QueryNamespaceTest, KnownColumnsByUsageUnknownOnesUntyped) {
  QueryResult r;
  r.columns = {"datid", "datname", "numbackends", "xact_commit", "stats_reset", "session_time", "checksum_last_failure"};
  r.types = {PgType::kText, PgType::kText, PgType::kInt, PgType::kInt, PgType::kTimestamp, PgType::kFloat,
             PgType::kTimestamp};
  r.rows = {{"5", "postgres", "2", "120", std::nullopt, "40.759", std::nullopt},
            {"0", std::nullopt, "0", "7", "2026-12-07 12:00:00.5+00", "0", std::nullopt}};
  FamilySet set;
  std::vector<std::string> errors;
  RowsToFamilies(StatDatabase(), 150400, r, {{"server", "h:5432"}}, &set, &errors);
  std::vector<MetricFamily> fs = set.Take();
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(Find(fs, "pg_stat_database_datid"), nullptr);  // labels are no metrics
  const MetricFamily* backends = Find(fs, "pg_stat_database_numbackends");
  ASSERT_NE(backends, nullptr);
  EXPECT_EQ(backends->type, MetricType::Gauge);
  ASSERT_EQ(backends->metric.size(), 2u);
  EXPECT_EQ(Labels(backends->metric[0]), "datid=5,datname=postgres,server=h:5432,");
  EXPECT_EQ(backends->metric[0].gauge.value, 2);
  EXPECT_EQ(Labels(backends->metric[1]), "datid=0,datname=,server=h:5432,");  // NULL label is ""
  const MetricFamily* commits = Find(fs, "pg_stat_database_xact_commit");
  ASSERT_NE(commits, nullptr);
  EXPECT_EQ(commits->type, MetricType::Counter);
  EXPECT_EQ(commits->metric[1].counter.value, 7);
  const MetricFamily* reset = Find(fs, "pg_stat_database_stats_reset");
  ASSERT_NE(reset, nullptr);
  EXPECT_TRUE(std::isnan(reset->metric[0].counter.value));  // NULL is NaN
  EXPECT_EQ(reset->metric[1].counter.value, 1796644800);  // whole seconds, as Go's Unix()
  const MetricFamily* session = Find(fs, "pg_stat_database_session_time");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->type, MetricType::Untyped);
  EXPECT_EQ(session->help, "Unknown metric from pg_stat_database");
  EXPECT_EQ(session->metric[0].untyped.value, 40.759);
}

TEST(QueryNamespaceTest, UnparseableValuesAreSkippedWithAnError) {
  QueryNamespace ns{"q", "SELECT", {{"l", {ColumnUsage::kLabel, "", {}, {}}}, {"v", {ColumnUsage::kGauge, "", {}, {}}}},
                    false, 0, ""};
  QueryResult r{{"l", "v", "extra"}, {PgType::kText, PgType::kText, PgType::kText}, {{"a", "x", "y"}, {"b", "1", "2"}}};
  FamilySet set;
  std::vector<std::string> errors;
  RowsToFamilies(ns, 150000, r, {}, &set, &errors);
  std::vector<MetricFamily> fs = set.Take();
  EXPECT_EQ(errors.size(), 2u);
  ASSERT_NE(Find(fs, "q_v"), nullptr);
  EXPECT_EQ(Find(fs, "q_v")->metric.size(), 1u);
  ASSERT_NE(Find(fs, "q_extra"), nullptr);
  EXPECT_EQ(Find(fs, "q_extra")->metric[0].untyped.value, 2);
}

TEST(QueryNamespaceTest, MappedMetricAndDuration) {
  QueryNamespace ns{"q", "SELECT", {}, false, 0, ""};
  ns.columns["state"] = {ColumnUsage::kMappedMetric, "state", {{"up", 1}, {"down", 0}}, {}};
  ns.columns["age"] = {ColumnUsage::kDuration, "age", {}, {}};
  QueryResult r{{"state", "age"}, {PgType::kText, PgType::kText}, {{"up", "1m30s"}, {"sideways", "-1"}}};
  FamilySet set;
  std::vector<std::string> errors;
  RowsToFamilies(ns, 150000, r, {}, &set, &errors);
  std::vector<MetricFamily> fs = set.Take();
  ASSERT_NE(Find(fs, "q_state"), nullptr);
  EXPECT_EQ(Find(fs, "q_state")->metric.size(), 1u);
  EXPECT_EQ(Find(fs, "q_state")->metric[0].gauge.value, 1);
  ASSERT_NE(Find(fs, "q_age_milliseconds"), nullptr);
  EXPECT_EQ(Find(fs, "q_age_milliseconds")->metric.size(), 1u);  // "-1" means none
  EXPECT_EQ(Find(fs, "q_age_milliseconds")->metric[0].gauge.value, 90000);
  EXPECT_EQ(errors.size(), 1u);  // "sideways" has no mapping
}

TEST(QueryNamespaceTest, ColumnsOutsideTheirVersionAreDiscarded) {
  QueryNamespace ns{"q", "SELECT", {}, false, 0, ""};
  ns.columns["new"] = {ColumnUsage::kGauge, "", {}, VersionRange{100000}};
  QueryResult r{{"new"}, {PgType::kInt}, {{"3"}}};
  FamilySet old_set, new_set;
  std::vector<std::string> errors;
  RowsToFamilies(ns, 90624, r, {}, &old_set, &errors);
  RowsToFamilies(ns, 150000, r, {}, &new_set, &errors);
  EXPECT_TRUE(old_set.Take().empty());
  EXPECT_EQ(new_set.Take().size(), 1u);
}

TEST(QueryNamespaceTest, ValueAndLabelConversions) {
  EXPECT_EQ(*ValueOf(PgType::kBool, "t"), 1);
  EXPECT_EQ(*ValueOf(PgType::kBool, "f"), 0);
  EXPECT_TRUE(std::isnan(*ValueOf(PgType::kInt, std::nullopt)));
  EXPECT_EQ(*ValueOf(PgType::kFloat, "Infinity"), HUGE_VAL);
  EXPECT_EQ(*ValueOf(PgType::kTimestamp, "1970-01-01 01:00:00+01"), 0);
  EXPECT_EQ(*ValueOf(PgType::kTimestamp, "2000-01-01 00:00:00-05:30"), 946704600);
  EXPECT_FALSE(ValueOf(PgType::kText, "abc").has_value());
  EXPECT_EQ(LabelOf(PgType::kBool, "t"), "true");
  EXPECT_EQ(LabelOf(PgType::kFloat, "1000000"), "1000000");
  EXPECT_EQ(LabelOf(PgType::kFloat, "0.5"), "0.5");
  EXPECT_EQ(LabelOf(PgType::kTimestamp, "1970-01-02 00:00:00+00"), "86400");
  EXPECT_EQ(LabelOf(PgType::kText, std::nullopt), "");
}

TEST(QueryNamespaceTest, GoDurations) {
  EXPECT_EQ(*ParseGoDurationMs("300ms"), 300);
  EXPECT_EQ(*ParseGoDurationMs("1h2m3s"), 3723000);
  EXPECT_EQ(*ParseGoDurationMs("1.5s"), 1500);
  EXPECT_EQ(*ParseGoDurationMs("-2s"), -2000);
  EXPECT_EQ(*ParseGoDurationMs("0"), 0);
  EXPECT_EQ(*ParseGoDurationMs("1500us"), 1);
  EXPECT_FALSE(ParseGoDurationMs("00:00:01").has_value());
  EXPECT_FALSE(ParseGoDurationMs("5").has_value());
  EXPECT_FALSE(ParseGoDurationMs("").has_value());
}

TEST(QueryNamespaceTest, ServerVersions) {
  auto v = ParseServerVersion("PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->Num(), 151800);
  EXPECT_EQ(v->String(), "15.18.0");
  EXPECT_EQ(ParseServerVersion("PostgreSQL 9.6.24 on x86_64")->Num(), 90624);
  EXPECT_EQ(ParseServerVersion("PostgreSQL 16devel")->String(), "16.0.0");
  EXPECT_FALSE(ParseServerVersion("garbage").has_value());
  EXPECT_FALSE(ParseServerVersion("").has_value());
}

TEST(QueryNamespaceTest, VersionRanges) {
  EXPECT_TRUE(VersionInRange(">=10.0.0", ServerVersion{15, 0, 0}));
  EXPECT_FALSE(VersionInRange("<10.0.0", ServerVersion{15, 0, 0}));
  EXPECT_TRUE(VersionInRange(">=9.6.0 <12.0.0", ServerVersion{11, 5, 0}));
  EXPECT_FALSE(VersionInRange(">=9.6.0 <12.0.0", ServerVersion{12, 0, 0}));
  EXPECT_TRUE(VersionInRange("<9.0.0 || >=15.0.0", ServerVersion{15, 4, 0}));
  EXPECT_FALSE(VersionInRange("", ServerVersion{15, 4, 0}));
  EXPECT_FALSE(VersionInRange(">=x", ServerVersion{15, 4, 0}));
  // Part by part, not through Num(): 1.100.0 would encode as 2.0.0.
  EXPECT_TRUE(VersionInRange("<2.0.0", ServerVersion{1, 100, 0}));
  EXPECT_FALSE(VersionInRange(">=2.0.0", ServerVersion{1, 100, 0}));
  // The fuzzer's input: a part too large for Num() is malformed, not an overflow.
  EXPECT_FALSE(VersionInRange(">=999999.0.0", ServerVersion{15, 4, 0}));
  EXPECT_TRUE(VersionInRange("<99999.0.0", ServerVersion{15, 4, 0}));
  EXPECT_FALSE(ParseServerVersion("PostgreSQL 100000.1").has_value());
}

TEST(QueryNamespaceTest, BuiltinQueriesFollowTheVersion) {
  auto find = [](int version, const std::string& name) {
    for (const QueryNamespace& ns : BuiltinNamespaces(version)) {
      if (ns.name == name) return ns.query;
    }
    return std::string("<absent>");
  };
  EXPECT_NE(find(150000, "pg_stat_replication").find("pg_current_wal_lsn"), std::string::npos);
  EXPECT_NE(find(90600, "pg_stat_replication").find("pg_current_xlog_location"), std::string::npos);
  EXPECT_EQ(find(90300, "pg_replication_slots"), "<absent>");
  EXPECT_EQ(find(150000, "pg_stat_database"), "");  // SELECT * FROM pg_stat_database
}

}  // namespace
}  // namespace cairn::exporters::postgres
