#include <gtest/gtest.h>

#include <cmath>

#include "tools/cairnctl/import_formats.h"
#include "tools/cairnctl/remote_read_client.h"

namespace cairn::cairnctl {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

std::vector<ImportSample> Decode(const std::string& format, const std::string& line, const std::string& spec = "") {
  auto d = MakeLineDecoder(format, spec);
  EXPECT_TRUE(d.ok()) << d.status().message();
  std::vector<ImportSample> out;
  Status st = (*d)->Decode(line, &out);
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

Status DecodeError(const std::string& format, const std::string& line, const std::string& spec = "") {
  auto d = MakeLineDecoder(format, spec);
  std::vector<ImportSample> out;
  Status st = (*d)->Decode(line, &out);
  EXPECT_TRUE(out.empty());
  return st;
}

TEST(ImportFormatsTest, OpenMetricsLineWithSecondsRoundedToTheMillisecond) {
  auto s = Decode("openmetrics", "http_requests_total{code=\"200\",job=\"a\"} 1.5 1700000000.001");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].labels, (Labels{{"__name__", "http_requests_total"}, {"code", "200"}, {"job", "a"}}));
  EXPECT_EQ(s[0].t_ms, 1700000000001);  // truncating 1700000000.001 * 1000 would give ...000
  EXPECT_EQ(s[0].value, 1.5);
  EXPECT_TRUE(Decode("openmetrics", "# HELP x y").empty());
  EXPECT_TRUE(Decode("openmetrics", "# EOF").empty());
  EXPECT_TRUE(Decode("openmetrics", "").empty());
}

TEST(ImportFormatsTest, PrometheusLineWithMilliseconds) {
  auto s = Decode("prometheus", "up{job=\"x\"} +Inf 1700000000123");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].t_ms, 1700000000123);
  EXPECT_TRUE(std::isinf(s[0].value));
}

TEST(ImportFormatsTest, BadTextLines) {
  EXPECT_EQ(DecodeError("openmetrics", "up 1").message(), "sample has no timestamp");
  EXPECT_FALSE(DecodeError("openmetrics", "up{ 1 2").ok());
  EXPECT_FALSE(DecodeError("prometheus", "up abc 1").ok());
  EXPECT_FALSE(DecodeError("prometheus", "up{a=\"1\",a=\"2\"} 1 1").ok());
}

TEST(ImportFormatsTest, VictoriaMetricsJsonLines) {
  auto s = Decode("jsonl", R"({"metric":{"__name__":"m","b":"2","a":"1"},"values":[1,2.5,null,"+Inf"],)"
                           R"("timestamps":[1000,2000,3000,4000]})");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].labels, (Labels{{"__name__", "m"}, {"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(s[1].t_ms, 2000);
  EXPECT_EQ(s[1].value, 2.5);
  EXPECT_TRUE(std::isnan(s[2].value));
  EXPECT_TRUE(std::isinf(s[3].value));
  EXPECT_EQ(DecodeError("jsonl", R"({"metric":{},"values":[1],"timestamps":[]})").message(),
            "\"values\" and \"timestamps\" differ in length");
  EXPECT_FALSE(DecodeError("jsonl", R"({"metric":{"a":1},"values":[],"timestamps":[]})").ok());
  EXPECT_FALSE(DecodeError("jsonl", "{not json").ok());
}

TEST(ImportFormatsTest, CsvWithColumnMapping) {
  const std::string spec = "1:label:host,2:metric:cpu,3:metric:mem,4:time:unix_s";
  auto s = Decode("csv", "web-1,0.5,,1700000000.5", spec);
  ASSERT_EQ(s.size(), 1u);  // an empty metric cell is no sample
  EXPECT_EQ(s[0].labels, (Labels{{"__name__", "cpu"}, {"host", "web-1"}}));
  EXPECT_EQ(s[0].t_ms, 1700000000500);
  auto r = Decode("csv", "2026-12-07T12:00:00Z,3", "1:time:rfc3339,2:metric:x");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].t_ms, 1796644800000);
  EXPECT_EQ(DecodeError("csv", "web-1,abc,1,1", spec).message(), "column 2: \"abc\" is not a number");
  EXPECT_EQ(DecodeError("csv", "web-1,1", spec).message(), "missing column 3");
  for (const char* bad : {"1:metric:x", "1:time:unix_s", "0:metric:x,1:time:unix_s", "1:metric:x,2:time:days",
                          "1:metric:x,2:time:unix_s,3:time:unix_s", "1:nonsense:x,2:time:unix_s"}) {
    EXPECT_FALSE(MakeLineDecoder("csv", bad).ok()) << bad;
  }
  EXPECT_FALSE(MakeLineDecoder("csv", "").ok());
  EXPECT_FALSE(MakeLineDecoder("xml", "").ok());
}

TEST(RemoteReadClientTest, RejectsDamagedFrames) {
  EXPECT_TRUE(DecodeChunkedBody("", 0, 1)->empty());
  // Length 3, a wrong CRC, 3 payload bytes.
  std::string frame = std::string("\x03", 1) + std::string("\0\0\0\0", 4) + "abc";
  EXPECT_EQ(DecodeChunkedBody(frame, 0, 1).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeChunkedBody("\x09\x01", 0, 1).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace cairn::cairnctl
