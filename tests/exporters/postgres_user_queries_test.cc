#include "exporters/postgres/user_queries.h"

#include <gtest/gtest.h>

namespace cairn::exporters::postgres {
namespace {

TEST(UserQueriesTest, ParsesUpstreamFormat) {
  Result<std::vector<QueryNamespace>> r = ParseUserQueries(R"yaml(
pg_postmaster:
  query: "SELECT pg_postmaster_start_time as start_time_seconds from pg_postmaster_start_time()"
  master: true
  metrics:
    - start_time_seconds:
        usage: "GAUGE"
        description: "Time at which postmaster started"
pg_conn:
  query: "SELECT state, count(*) AS n, '1s' AS age FROM pg_stat_activity GROUP BY state"
  cache_seconds: 30
  runonserver: ">=10.0.0"
  metrics:
    - state:
        usage: "LABEL"
        description: "state"
    - n:
        usage: "COUNTER"
        description: "connections"
    - age:
        usage: "DURATION"
        description: "age"
    - mode:
        usage: "MAPPEDMETRIC"
        description: "mode"
        metric_mapping: {primary: 1, standby: 0}
    - junk:
        usage: "SOMETHING"
)yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  const QueryNamespace& conn = (*r)[0];  // sorted by name
  EXPECT_EQ(conn.name, "pg_conn");
  EXPECT_EQ(conn.cache_seconds, 30u);
  EXPECT_EQ(conn.run_on_server, ">=10.0.0");
  EXPECT_FALSE(conn.master);
  EXPECT_EQ(conn.columns.at("state").usage, ColumnUsage::kLabel);
  EXPECT_EQ(conn.columns.at("n").usage, ColumnUsage::kCounter);
  EXPECT_EQ(conn.columns.at("n").description, "connections");
  EXPECT_EQ(conn.columns.at("age").usage, ColumnUsage::kDuration);
  EXPECT_EQ(conn.columns.at("mode").usage, ColumnUsage::kMappedMetric);
  EXPECT_EQ(conn.columns.at("mode").value_map.at("primary"), 1);
  EXPECT_EQ(conn.columns.at("junk").usage, ColumnUsage::kDiscard);  // unknown usage, as upstream
  const QueryNamespace& pm = (*r)[1];
  EXPECT_EQ(pm.name, "pg_postmaster");
  EXPECT_TRUE(pm.master);
  EXPECT_EQ(pm.columns.at("start_time_seconds").usage, ColumnUsage::kGauge);
}

TEST(UserQueriesTest, EmptyFileHasNoQueries) {
  Result<std::vector<QueryNamespace>> r = ParseUserQueries("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(UserQueriesTest, RejectsMalformedFiles) {
  EXPECT_FALSE(ParseUserQueries("a: [").ok());
  EXPECT_FALSE(ParseUserQueries("- a\n- b\n").ok());
  EXPECT_FALSE(ParseUserQueries("q:\n  metrics: 3\n").ok());
  EXPECT_FALSE(ParseUserQueries("q:\n  metrics:\n    - 3\n").ok());
  EXPECT_FALSE(ParseUserQueries("q:\n  cache_seconds: soon\n").ok());
  Result<std::vector<QueryNamespace>> r = ParseUserQueries("q:\n  metrics:\n    - c: [1]\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace cairn::exporters::postgres
