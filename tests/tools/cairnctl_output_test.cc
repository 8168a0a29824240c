#include "tools/cairnctl/output.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tools/cairnctl/json_value.h"
#include "tools/cairnctl/series_table.h"

namespace cairn::cairnctl {
namespace {

std::string Render(const Table& t, OutputFormat f) {
  std::ostringstream out;
  Print(t, f, out);
  return out.str();
}

TEST(OutputTest, FormatsSeriesWithSortedQuotedLabels) {
  EXPECT_EQ(FormatSeries({{"__name__", "up"}, {"job", "a"}, {"instance", "x:1"}}), "up{instance=\"x:1\", job=\"a\"}");
  EXPECT_EQ(FormatSeries({{"__name__", "up"}}), "up");
  EXPECT_EQ(FormatSeries({{"a", "q\"\n"}}), "{a=\"q\\\"\\n\"}");
  EXPECT_EQ(FormatSeries({}), "{}");
}

TEST(OutputTest, AlignsTableColumnsWithoutTrailingBlanks) {
  Table t{{"series", "value"}, {{"up{job=\"a\"}", "1"}, {"x", "0.25"}}, ""};
  EXPECT_EQ(Render(t, OutputFormat::kTable),
            "SERIES       VALUE\n"
            "up{job=\"a\"}  1\n"
            "x            0.25\n");
}

TEST(OutputTest, CsvQuotesWhenNeeded) {
  Table t{{"a", "b"}, {{"x,y", "say \"hi\""}, {"plain", ""}}, ""};
  EXPECT_EQ(Render(t, OutputFormat::kCsv), "a,b\n\"x,y\",\"say \"\"hi\"\"\"\nplain,\n");
}

TEST(OutputTest, JsonIsTheApiDataWhenGivenElseObjects) {
  Table t{{"a"}, {{"1"}}, ""};
  EXPECT_EQ(Render(t, OutputFormat::kJson), "[{\"a\":\"1\"}]\n");
  t.json = "[\"raw\"]";
  EXPECT_EQ(Render(t, OutputFormat::kJson), "[\"raw\"]\n");
}

TEST(SeriesTableTest, VectorAsTableAndWideCsv) {
  auto data = ParseJson(R"({"resultType":"vector","result":[
      {"metric":{"__name__":"up","job":"b"},"value":[10,"1.50"]},
      {"metric":{"zone":"eu","__name__":"up"},"value":[10,"+Inf"]}]})");
  ASSERT_TRUE(data.ok());
  Table t = QueryResultTable(*data, OutputFormat::kTable);
  EXPECT_EQ(Render(t, OutputFormat::kTable),
            "SERIES         VALUE  TIMESTAMP\n"
            "up{job=\"b\"}    1.5    10\n"
            "up{zone=\"eu\"}  +Inf   10\n");
  Table c = QueryResultTable(*data, OutputFormat::kCsv);
  EXPECT_EQ(Render(c, OutputFormat::kCsv), "__name__,job,zone,value,timestamp\nup,b,,1.5,10\nup,,eu,+Inf,10\n");
}

TEST(SeriesTableTest, MatrixHasOneRowPerSampleAndScalarOneRow) {
  auto m = ParseJson(R"({"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[1,"1e-07"],[2,"100000000"]]}]})");
  ASSERT_TRUE(m.ok());
  Table t = QueryResultTable(*m, OutputFormat::kTable);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][1], "1e-07");
  EXPECT_EQ(t.rows[1][1], "100000000");
  auto s = ParseJson(R"({"resultType":"scalar","result":[5.5,"2"]})");
  Table st = QueryResultTable(*s, OutputFormat::kTable);
  EXPECT_EQ(Render(st, OutputFormat::kTable), "VALUE  TIMESTAMP\n2      5.5\n");
}

}  // namespace
}  // namespace cairn::cairnctl
