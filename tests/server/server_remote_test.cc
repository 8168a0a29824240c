// /api/v1/write and /api/v1/push through real HTTP into MemoryStorage:
// v1 and v2 answers, the written-count headers, rejections counted in
// /metrics, bad encodings, the body limit, and remote read without chunk
// storage.
#include <gtest/gtest.h>
#include <snappy.h>

#include "proto/remote.pb.h"
#include "proto/write_v2.pb.h"
#include "tests/server/server_fixture.h"

namespace cairn::server {
namespace {

using testing::HttpCall;
using RemoteWriteTest = testing::ServerFixture;

const std::vector<std::pair<std::string, std::string>> kV1Headers = {
    {"Content-Type", "application/x-protobuf"},
    {"Content-Encoding", "snappy"},
    {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
const std::vector<std::pair<std::string, std::string>> kV2Headers = {
    {"Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request"},
    {"Content-Encoding", "snappy"},
    {"X-Prometheus-Remote-Write-Version", "2.0.0"}};

std::string Snappy(const std::string& raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

std::string V1Body(const std::string& job, int samples) {
  prometheus::WriteRequest req;
  auto* ts = req.add_timeseries();
  auto* l = ts->add_labels();
  l->set_name("__name__");
  l->set_value("rw_metric");
  l = ts->add_labels();
  l->set_name("job");
  l->set_value(job);
  for (int i = 0; i < samples; ++i) {
    auto* s = ts->add_samples();
    s->set_timestamp(1000 * (i + 1));
    s->set_value(i);
  }
  return Snappy(req.SerializeAsString());
}

TEST_F(RemoteWriteTest, V1WriteIsStoredAndAnswered204) {
  for (const char* path : {"/api/v1/write", "/api/v1/push"}) {
    auto r = HttpCall(port_, "POST", path, V1Body(path, 3), kV1Headers);
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(r.headers.count("x-prometheus-remote-write-samples-written"), 0u);
  }
  auto s = Get("/api/v1/series?match[]=rw_metric");
  EXPECT_EQ(s.body, R"({"status":"success","data":[{"__name__":"rw_metric","job":"/api/v1/push"},)"
                    R"({"__name__":"rw_metric","job":"/api/v1/write"}]})");
}

TEST_F(RemoteWriteTest, V2AnswersWithWrittenCounts) {
  io::prometheus::write::v2::Request req;
  for (const char* sym : {"", "__name__", "rw_v2", "job", "x"}) req.add_symbols(sym);
  auto* ts = req.add_timeseries();
  for (uint32_t ref : {1u, 2u, 3u, 4u}) ts->add_labels_refs(ref);
  for (int i = 0; i < 4; ++i) {
    auto* s = ts->add_samples();
    s->set_timestamp(1000 * (i + 1));
    s->set_value(i);
  }
  auto r = HttpCall(port_, "POST", "/api/v1/write", Snappy(req.SerializeAsString()), kV2Headers);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.headers["x-prometheus-remote-write-samples-written"], "4");
  EXPECT_EQ(r.headers["x-prometheus-remote-write-histograms-written"], "0");
  EXPECT_EQ(r.headers["x-prometheus-remote-write-exemplars-written"], "0");
}

TEST_F(RemoteWriteTest, BadInputIsA4xx) {
  EXPECT_EQ(HttpCall(port_, "POST", "/api/v1/write", "not snappy", kV1Headers).status, 400);
  auto zstd = HttpCall(port_, "POST", "/api/v1/write", V1Body("z", 1),
                       {{"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "zstd"}});
  EXPECT_EQ(zstd.status, 415);
  EXPECT_EQ(HttpCall(port_, "GET", "/api/v1/write").status, 405);
  std::string huge((32u << 20) + 1, 'x');
  EXPECT_EQ(HttpCall(port_, "POST", "/api/v1/write", huge, kV1Headers).status, 413);
  EXPECT_EQ(Get("/-/healthy").status, 200);
}

TEST_F(RemoteWriteTest, RejectedSamplesAreCountedByReason) {
  // The same timestamp with another value in a later request: a duplicate
  // (within one request the first sample wins silently, as in Prometheus).
  for (double v : {1.0, 2.0}) {
    prometheus::WriteRequest req;
    auto* ts = req.add_timeseries();
    auto* l = ts->add_labels();
    l->set_name("__name__");
    l->set_value("dup_metric");
    auto* s = ts->add_samples();
    s->set_timestamp(5000);
    s->set_value(v);
    auto r = HttpCall(port_, "POST", "/api/v1/write", Snappy(req.SerializeAsString()), kV1Headers);
    EXPECT_EQ(r.status, v == 1.0 ? 204 : 400) << r.body;
  }
  auto m = Get("/metrics");
  EXPECT_NE(m.body.find("cairn_remote_write_samples_rejected_total{reason="), std::string::npos) << m.body;
}

TEST_F(RemoteWriteTest, RemoteReadNeedsChunkStorage) {
  EXPECT_EQ(HttpCall(port_, "POST", "/api/v1/read", "x", kV1Headers).status, 501);
}

}  // namespace
}  // namespace cairn::server
