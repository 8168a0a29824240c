#include "ingest/remote_write.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <thread>

#include "storage/memory_storage.h"
#include "storage/sample.h"
#include "tests/ingest/test_util.h"

namespace cairn::ingest {
namespace {

using testing::AddSeries;
using testing::ReadAll;
using testing::RecordingAppendable;
using testing::Snappy;

constexpr std::string_view kV1Type = "application/x-protobuf";
constexpr std::string_view kV2Type = "application/x-protobuf;proto=io.prometheus.write.v2.Request";

WriteOutcome WriteV1(const prometheus::WriteRequest& req, storage::Appendable& db, MetadataSink* sink = nullptr) {
  return HandleRemoteWrite(Snappy(req.SerializeAsString()), kV1Type, "snappy", db, sink, RemoteWriteLimits{});
}

class RecordingSink final : public MetadataSink {
 public:
  void Record(std::string_view family, const storage::Metadata& md) override {
    got[std::string(family)] = md;
    ++calls;
  }
  std::map<std::string, storage::Metadata> got;
  int calls = 0;
};

TEST(RemoteWriteTest, V1SamplesAreStored) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "up"}, {"instance", "a:9100"}, {"job", "node"}}, {{1000, 1}, {2000, 0}});
  AddSeries(&req, {{"__name__", "up"}, {"instance", "b:9100"}, {"job", "node"}}, {{1000, 1}});
  storage::MemoryStorage db;
  WriteOutcome out = WriteV1(req, db);
  EXPECT_EQ(out.http_status, 204) << out.message;
  EXPECT_FALSE(out.v2);
  EXPECT_EQ(out.samples_written, 3);
  EXPECT_EQ(out.samples_rejected, 0);
  auto got = ReadAll(db, "up");
  ASSERT_EQ(got.size(), 2u);
  const auto& a = got[R"(up{instance="a:9100", job="node"})"];
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].t_ms, 1000);
  EXPECT_EQ(a[0].v, 1);
  EXPECT_EQ(a[1].t_ms, 2000);
  EXPECT_EQ(a[1].v, 0);
}

TEST(RemoteWriteTest, StaleMarkerAndNaNBitsArePreserved) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "m"}},
            {{1, storage::StaleNaN()}, {2, std::bit_cast<double>(storage::kNormalNaNBits)}, {3, -0.0}});
  storage::MemoryStorage db;
  ASSERT_EQ(WriteV1(req, db).http_status, 204);
  auto s = ReadAll(db, "m")["m{}"];
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(std::bit_cast<uint64_t>(s[0].v), storage::kStaleNaNBits);
  EXPECT_EQ(std::bit_cast<uint64_t>(s[1].v), storage::kNormalNaNBits);
  EXPECT_EQ(std::bit_cast<uint64_t>(s[2].v), std::bit_cast<uint64_t>(-0.0));
}

TEST(RemoteWriteTest, EmptyHeadersMeanV1Snappy) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "m"}}, {{5, 1}});
  storage::MemoryStorage db;
  WriteOutcome out = HandleRemoteWrite(Snappy(req.SerializeAsString()), "", "", db, nullptr, {});
  EXPECT_EQ(out.http_status, 204) << out.message;
  EXPECT_EQ(ReadAll(db, "m").size(), 1u);
}

TEST(RemoteWriteTest, UnsupportedEncodingOrProtoIs415) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "m"}}, {{5, 1}});
  std::string body = Snappy(req.SerializeAsString());
  storage::MemoryStorage db;
  EXPECT_EQ(HandleRemoteWrite(body, kV1Type, "zstd", db, nullptr, {}).http_status, 415);
  EXPECT_EQ(HandleRemoteWrite(body, kV1Type, "gzip", db, nullptr, {}).http_status, 415);
  WriteOutcome out = HandleRemoteWrite(body, "application/x-protobuf;proto=foo.Bar", "snappy", db, nullptr, {});
  EXPECT_EQ(out.http_status, 415);
  EXPECT_NE(out.message.find("foo.Bar"), std::string::npos) << out.message;
  EXPECT_EQ(HandleRemoteWrite(body, "application/json", "snappy", db, nullptr, {}).http_status, 415);
  EXPECT_EQ(db.NumSeries(), 0u);
}

TEST(RemoteWriteTest, BodiesOverTheLimitsAre413) {
  prometheus::WriteRequest req;
  for (int i = 0; i < 100; ++i) AddSeries(&req, {{"__name__", "m"}, {"i", std::to_string(i)}}, {{5, 1}});
  std::string raw = req.SerializeAsString();
  std::string body = Snappy(raw);
  storage::MemoryStorage db;
  RemoteWriteLimits small_compressed{.max_compressed_bytes = body.size() - 1};
  EXPECT_EQ(HandleRemoteWrite(body, kV1Type, "snappy", db, nullptr, small_compressed).http_status, 413);
  RemoteWriteLimits small_decoded{.max_decoded_bytes = raw.size() - 1};
  EXPECT_EQ(HandleRemoteWrite(body, kV1Type, "snappy", db, nullptr, small_decoded).http_status, 413);
  RemoteWriteLimits exact{.max_compressed_bytes = body.size(), .max_decoded_bytes = raw.size()};
  EXPECT_EQ(HandleRemoteWrite(body, kV1Type, "snappy", db, nullptr, exact).http_status, 204);
}

TEST(RemoteWriteTest, BadSnappyIs400) {
  storage::MemoryStorage db;
  WriteOutcome out = HandleRemoteWrite("\xff\xff\xff\xff\xff\xff", kV1Type, "snappy", db, nullptr, {});
  EXPECT_EQ(out.http_status, 400);
  EXPECT_NE(out.message.find("snappy"), std::string::npos) << out.message;
  // A valid header announcing more bytes than follow.
  out = HandleRemoteWrite(std::string("\x10\x00\x01", 3), kV1Type, "snappy", db, nullptr, {});
  EXPECT_EQ(out.http_status, 400);
}

TEST(RemoteWriteTest, BadProtobufIs400AndStoresNothing) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "m"}}, {{5, 1}});
  std::string raw = req.SerializeAsString();
  raw += std::string("\x0a\x7f\x01", 3);  // a TimeSeries claiming 127 bytes that are not there
  RecordingAppendable db;
  WriteOutcome out = HandleRemoteWrite(Snappy(raw), kV1Type, "snappy", db, nullptr, {});
  EXPECT_EQ(out.http_status, 400);
  EXPECT_NE(out.message.find("malformed protobuf"), std::string::npos) << out.message;
  EXPECT_EQ(out.samples_written, 0);
  EXPECT_TRUE(db.committed.empty());
  EXPECT_EQ(db.rollbacks, 1);
}

TEST(RemoteWriteTest, BadLabelsSkipSeriesButKeepTheRest) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "good"}, {"a", "1"}}, {{1, 1}, {2, 2}});
  AddSeries(&req, {{"job", "x"}}, {{1, 1}});                                    // no __name__
  AddSeries(&req, {{"__name__", "m"}, {"a", "1"}, {"a", "2"}}, {{1, 1}});       // duplicate name
  AddSeries(&req, {{"__name__", "m"}, {"b", "1"}, {"a", "2"}}, {{1, 1}, {2, 1}});  // unsorted
  AddSeries(&req, {{"", "v"}, {"__name__", "m"}}, {{1, 1}});                    // empty name
  AddSeries(&req, {{"__name__", "m"}, {"a", std::string("\xc3\x28", 2)}}, {{1, 1}});  // bad UTF-8
  AddSeries(&req, {{"__name__", "good"}, {"a", "2"}, {"empty", ""}}, {{1, 7}});  // empty value: dropped
  storage::MemoryStorage db;
  WriteOutcome out = WriteV1(req, db);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.samples_written, 3);
  EXPECT_EQ(out.samples_rejected, 6);
  EXPECT_EQ(out.rejected_by_reason["missing metric name"], 1);
  EXPECT_EQ(out.rejected_by_reason["duplicate label name"], 1);
  EXPECT_EQ(out.rejected_by_reason["labels not sorted by name"], 2);
  EXPECT_EQ(out.rejected_by_reason["empty label name"], 1);
  EXPECT_EQ(out.rejected_by_reason["invalid UTF-8 in labels"], 1);
  EXPECT_NE(out.message.find("missing metric name: 1"), std::string::npos) << out.message;
  EXPECT_NE(out.message.find("job=\"x\""), std::string::npos) << out.message;
  auto got = ReadAll(db, "good");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[R"(good{a="1"})"].size(), 2u);
  ASSERT_EQ(got[R"(good{a="2"})"].size(), 1u);
  EXPECT_EQ(got[R"(good{a="2"})"][0].v, 7);
  EXPECT_EQ(ReadAll(db, "m").size(), 0u);
}

TEST(RemoteWriteTest, DuplicateTimestampWithNewValueIsRejectedAlone) {
  RecordingAppendable db;
  db.append_hook = [](const storage::Labels&, int64_t t, double) {
    return t == 20 ? Status::DuplicateSample("duplicate sample for timestamp 20") : Status::OK();
  };
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "m"}}, {{10, 1}, {20, 2}, {30, 3}});
  WriteOutcome out = WriteV1(req, db);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.samples_written, 2);
  EXPECT_EQ(out.samples_rejected, 1);
  EXPECT_EQ(out.rejected_by_reason["duplicate sample for timestamp"], 1);
  ASSERT_EQ(db.committed.size(), 2u);
  EXPECT_EQ(db.committed[0].t_ms, 10);
  EXPECT_EQ(db.committed[1].t_ms, 30);
}

TEST(RemoteWriteTest, IdenticalResendIsAcceptedAndConflictIs400) {
  storage::MemoryStorage db;
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "m"}}, {{10, 1}, {20, 2}});
  ASSERT_EQ(WriteV1(req, db).http_status, 204);
  EXPECT_EQ(WriteV1(req, db).http_status, 204);

  prometheus::WriteRequest conflict;
  AddSeries(&conflict, {{"__name__", "m"}}, {{20, 5}});
  AddSeries(&conflict, {{"__name__", "other"}}, {{20, 5}});
  WriteOutcome out = WriteV1(conflict, db);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.rejected_by_reason["duplicate sample for timestamp"], 1);
  auto m = ReadAll(db, "m")["m{}"];
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].v, 2);                          // the first value stays
  EXPECT_EQ(ReadAll(db, "other").size(), 1u);    // the valid sample is kept
}

TEST(RemoteWriteTest, StorageFailuresAre5xx) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "m"}}, {{10, 1}});
  RecordingAppendable failing_commit;
  failing_commit.commit_status = Status::IOError("fsync failed");
  WriteOutcome out = WriteV1(req, failing_commit);
  EXPECT_EQ(out.http_status, 500);
  EXPECT_NE(out.message.find("fsync failed"), std::string::npos);
  EXPECT_EQ(out.samples_written, 0);

  RecordingAppendable unavailable;
  unavailable.append_hook = [](const storage::Labels&, int64_t, double) {
    return Status::Unavailable("shutting down");
  };
  out = WriteV1(req, unavailable);
  EXPECT_EQ(out.http_status, 503);
  EXPECT_TRUE(unavailable.committed.empty());
}

TEST(RemoteWriteTest, SeriesLimitRefusesNewSeriesAndKeepsTheRest) {
  // The storage refuses new series as DB does past --storage.max-series.
  RecordingAppendable db;
  db.append_hook = [](const storage::Labels& ls, int64_t, double) {
    return ls.Get("__name__") == "new" ? Status::ResourceExhausted("per-server series limit of 1 reached "
                                                                    "(--storage.max-series)")
                                       : Status::OK();
  };
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "new"}, {"i", "1"}}, {{10, 1}, {20, 2}, {30, 3}});
  AddSeries(&req, {{"__name__", "known"}}, {{10, 1}, {20, 2}});
  AddSeries(&req, {{"__name__", "new"}, {"i", "2"}}, {{10, 1}});
  WriteOutcome out = WriteV1(req, db);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.samples_written, 2);
  EXPECT_EQ(out.samples_rejected, 4);
  EXPECT_EQ(out.rejected_by_reason[std::string(kReasonMaxSeries)], 4);
  EXPECT_NE(out.message.find("max_series: 4"), std::string::npos) << out.message;
  EXPECT_NE(out.message.find("--storage.max-series"), std::string::npos) << out.message;
  ASSERT_EQ(db.committed.size(), 2u);
  EXPECT_EQ(db.committed[0].labels.Get("__name__"), "known");
}

TEST(RemoteWriteTest, LabelLimitsRefuseTheSeriesOverThem) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "ok"}, {"a", "1"}}, {{10, 1}});
  AddSeries(&req, {{"__name__", "many"}, {"a", "1"}, {"b", "1"}, {"c", "1"}}, {{10, 1}, {20, 1}});
  AddSeries(&req, {{"__name__", "longname"}, {std::string(20, 'n'), "1"}}, {{10, 1}});
  AddSeries(&req, {{"__name__", "longvalue"}, {"a", std::string(40, 'v')}}, {{10, 1}});
  // An empty value is no label: it counts toward no limit.
  AddSeries(&req, {{"__name__", "ok"}, {"a", "2"}, {"b", ""}, {"c", ""}}, {{10, 1}});
  RemoteWriteLimits limits;
  limits.labels.max_label_names_per_series = 3;
  limits.labels.max_label_name_length = 16;
  limits.labels.max_label_value_length = 32;
  storage::MemoryStorage db;
  WriteOutcome out = HandleRemoteWrite(Snappy(req.SerializeAsString()), kV1Type, "snappy", db, nullptr, limits);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.samples_written, 2);
  EXPECT_EQ(out.rejected_by_reason[std::string(kReasonMaxLabelNames)], 2);
  EXPECT_EQ(out.rejected_by_reason[std::string(kReasonMaxLabelNameLength)], 1);
  EXPECT_EQ(out.rejected_by_reason[std::string(kReasonMaxLabelValueLength)], 1);
  EXPECT_NE(out.message.find("(actual: 4, limit: 3)"), std::string::npos) << out.message;
  EXPECT_NE(out.message.find("(actual: 40, limit: 32)"), std::string::npos) << out.message;
  EXPECT_EQ(ReadAll(db, "ok").size(), 2u);
  EXPECT_EQ(ReadAll(db, "many").size(), 0u);

  // Unset limits (0) refuse nothing.
  storage::MemoryStorage db2;
  EXPECT_EQ(WriteV1(req, db2).http_status, 204);
}

TEST(RemoteWriteTest, NativeHistogramsAreRejectedButFloatsKept) {
  prometheus::WriteRequest req;
  auto* h = AddSeries(&req, {{"__name__", "hist"}}, {});
  h->add_histograms()->set_timestamp(5);
  h->add_histograms()->set_timestamp(6);
  AddSeries(&req, {{"__name__", "m"}}, {{10, 1}});
  storage::MemoryStorage db;
  WriteOutcome out = WriteV1(req, db);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.samples_written, 1);
  EXPECT_EQ(out.histograms_written, 0);
  EXPECT_EQ(out.rejected_by_reason["native histograms not supported"], 2);
  EXPECT_EQ(ReadAll(db, "m").size(), 1u);
}

TEST(RemoteWriteTest, ExemplarsAreDroppedWithoutFailing) {
  prometheus::WriteRequest req;
  auto* ts = AddSeries(&req, {{"__name__", "m"}}, {{10, 1}});
  auto* ex = ts->add_exemplars();
  ex->set_value(3);
  ex->set_timestamp(10);
  storage::MemoryStorage db;
  WriteOutcome out = WriteV1(req, db);
  EXPECT_EQ(out.http_status, 204);
  EXPECT_EQ(out.exemplars_written, 0);
}

TEST(RemoteWriteTest, V1MetadataGoesToSinkOrAppender) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "http_requests_total"}}, {{10, 1}});
  auto* md = req.add_metadata();
  md->set_type(prometheus::MetricMetadata::COUNTER);
  md->set_metric_family_name("http_requests_total");
  md->set_help("Requests.");
  md->set_unit("requests");
  RecordingSink sink;
  storage::MemoryStorage db;
  ASSERT_EQ(WriteV1(req, db, &sink).http_status, 204);
  ASSERT_EQ(sink.got.count("http_requests_total"), 1u);
  EXPECT_EQ(sink.got["http_requests_total"].type, storage::MetricType::kCounter);
  EXPECT_EQ(sink.got["http_requests_total"].help, "Requests.");
  EXPECT_EQ(sink.got["http_requests_total"].unit, "requests");

  RecordingAppendable rec;
  ASSERT_EQ(WriteV1(req, rec).http_status, 204);
  EXPECT_EQ(rec.metadata["http_requests_total"].type, storage::MetricType::kCounter);
}

io::prometheus::write::v2::Request V2Request() {
  io::prometheus::write::v2::Request req;
  for (const char* s : {"", "__name__", "http_requests_total", "job", "api", "Total requests.", "code", "200"})
    req.add_symbols(s);
  auto* ts = req.add_timeseries();
  for (uint32_t r : {1, 2, 6, 7, 3, 4}) ts->add_labels_refs(r);
  auto* s = ts->add_samples();
  s->set_value(5);
  s->set_timestamp(1000);
  s->set_start_timestamp(500);
  s = ts->add_samples();
  s->set_value(storage::StaleNaN());
  s->set_timestamp(2000);
  ts->mutable_metadata()->set_type(io::prometheus::write::v2::Metadata::METRIC_TYPE_COUNTER);
  ts->mutable_metadata()->set_help_ref(5);
  return req;
}

TEST(RemoteWriteTest, V2SamplesStartTimestampsAndMetadata) {
  RecordingAppendable db;
  RecordingSink sink;
  WriteOutcome out =
      HandleRemoteWrite(Snappy(V2Request().SerializeAsString()), kV2Type, "snappy", db, &sink, {});
  EXPECT_EQ(out.http_status, 204) << out.message;
  EXPECT_TRUE(out.v2);
  EXPECT_EQ(out.samples_written, 2);
  ASSERT_EQ(db.committed.size(), 2u);
  EXPECT_EQ(db.committed[0].labels.ToString(), R"(http_requests_total{code="200", job="api"})");
  EXPECT_EQ(db.committed[0].t_ms, 1000);
  EXPECT_EQ(db.committed[0].v, 5);
  EXPECT_EQ(db.committed[0].start_t_ms, 500);
  EXPECT_EQ(db.committed[1].start_t_ms, 0);
  EXPECT_EQ(std::bit_cast<uint64_t>(db.committed[1].v), storage::kStaleNaNBits);
  EXPECT_EQ(sink.got["http_requests_total"].type, storage::MetricType::kCounter);
  EXPECT_EQ(sink.got["http_requests_total"].help, "Total requests.");
}

TEST(RemoteWriteTest, V2MetadataIsRecordedOncePerRunAndOnlyWhenSet) {
  auto req = V2Request();
  *req.add_timeseries() = req.timeseries(0);  // same family, same metadata
  req.mutable_timeseries(1)->set_labels_refs(5, 2);  // job="http_requests_total": another series
  auto* bare = req.add_timeseries();
  for (uint32_t r : {1, 4}) bare->add_labels_refs(r);  // __name__="api"
  bare->add_samples()->set_timestamp(1);
  bare->mutable_metadata();  // present but unspecified
  RecordingAppendable db;
  RecordingSink sink;
  WriteOutcome out = HandleRemoteWrite(Snappy(req.SerializeAsString()), kV2Type, "snappy", db, &sink, {});
  EXPECT_EQ(out.http_status, 204) << out.message;
  EXPECT_EQ(out.samples_written, 5);
  EXPECT_EQ(sink.calls, 1);
  EXPECT_EQ(sink.got.count("api"), 0u);
}

TEST(RemoteWriteTest, V2IntoMemoryStorage) {
  storage::MemoryStorage db;
  WriteOutcome out =
      HandleRemoteWrite(Snappy(V2Request().SerializeAsString()), std::string(kV2Type) + " ; charset=utf-8",
                        "SNAPPY", db, nullptr, {});
  EXPECT_EQ(out.http_status, 204) << out.message;
  EXPECT_EQ(ReadAll(db, "http_requests_total").begin()->second.size(), 2u);
}

TEST(RemoteWriteTest, V2BadSymbolReferencesAre400) {
  auto req = V2Request();
  req.mutable_timeseries(0)->add_labels_refs(99);
  req.mutable_timeseries(0)->add_labels_refs(1);
  storage::MemoryStorage db;
  WriteOutcome out = HandleRemoteWrite(Snappy(req.SerializeAsString()), kV2Type, "snappy", db, nullptr, {});
  EXPECT_EQ(out.http_status, 400);
  EXPECT_NE(out.message.find("symbol reference"), std::string::npos) << out.message;
  EXPECT_TRUE(out.v2);

  auto odd = V2Request();
  odd.mutable_timeseries(0)->add_labels_refs(1);
  EXPECT_EQ(HandleRemoteWrite(Snappy(odd.SerializeAsString()), kV2Type, "snappy", db, nullptr, {}).http_status, 400);

  auto first = V2Request();
  first.set_symbols(0, "x");
  EXPECT_EQ(HandleRemoteWrite(Snappy(first.SerializeAsString()), kV2Type, "snappy", db, nullptr, {}).http_status,
            400);
  EXPECT_EQ(db.NumSeries(), 0u);
}

TEST(RemoteWriteTest, V2HistogramsCountedAsRejected) {
  auto req = V2Request();
  auto* ts = req.add_timeseries();
  for (uint32_t r : {1, 2, 3, 7}) ts->add_labels_refs(r);
  ts->add_histograms()->set_timestamp(1);
  RecordingAppendable db;
  WriteOutcome out = HandleRemoteWrite(Snappy(req.SerializeAsString()), kV2Type, "snappy", db, nullptr, {});
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.samples_written, 2);
  EXPECT_EQ(out.histograms_written, 0);
  EXPECT_EQ(out.rejected_by_reason["native histograms not supported"], 1);
}

TEST(RemoteWriteTest, ApplyWriteRequestTakesUncompressedProtobuf) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "m"}}, {{10, 1}, {20, 2}});
  AddSeries(&req, {{"job", "no-name"}}, {{10, 1}});
  storage::MemoryStorage db;
  WriteOutcome out = ApplyWriteRequest(req.SerializeAsString(), RemoteWriteVersion::kV1, db, nullptr);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.samples_written, 2);
  EXPECT_EQ(out.samples_rejected, 1);
  EXPECT_EQ(ReadAll(db, "m")["m{}"].size(), 2u);

  out = ApplyWriteRequest(V2Request().SerializeAsString(), RemoteWriteVersion::kV2, db, nullptr);
  EXPECT_EQ(out.http_status, 204) << out.message;
  EXPECT_TRUE(out.v2);
  EXPECT_EQ(out.samples_written, 2);
}

TEST(RemoteWriteTest, ConcurrentRequestsAllLand) {
  storage::MemoryStorage db;
  constexpr int kThreads = 4, kRequests = 25, kSeries = 10;
  std::vector<std::thread> threads;
  std::vector<int> ok(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&db, &ok, t] {
      for (int r = 0; r < kRequests; ++r) {
        prometheus::WriteRequest req;
        for (int s = 0; s < kSeries; ++s)
          AddSeries(&req, {{"__name__", "c"}, {"s", std::to_string(s)}, {"t", std::to_string(t)}}, {{r * 1000, r}});
        ok[t] += WriteV1(req, db).http_status == 204;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(ok[t], kRequests);
  auto got = ReadAll(db, "c");
  ASSERT_EQ(got.size(), static_cast<size_t>(kThreads * kSeries));
  for (const auto& [name, samples] : got) EXPECT_EQ(samples.size(), static_cast<size_t>(kRequests)) << name;
}

}  // namespace
}  // namespace cairn::ingest
