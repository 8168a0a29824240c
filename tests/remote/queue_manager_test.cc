// QueueManager against an in-test receiver: every sample arrives with
// external labels and write relabeling applied, 5xx and 429 (when asked)
// retried, other 4xx dropped and counted, the position saved so a restart
// resends nothing acknowledged, 2.0 requests carry a symbol table.
#include "remote/queue_manager.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "ingest/relabel_config.h"
#include "proto/remote.pb.h"
#include "proto/write_v2.pb.h"
#include "storage/wal/records.h"
#include "storage/wal/wal.h"
#include "tests/scrape/recording_http_server.h"

namespace cairn::remote {
namespace {

namespace wal = storage::wal;
using testing::CannedResponse;
using testing::RecordedRequest;
using testing::RecordingServer;

CannedResponse Answer(int status) {
  CannedResponse r;
  r.status = status;
  return r;
}

std::string Unsnappy(const std::string& body) {
  std::string raw;
  EXPECT_TRUE(snappy::Uncompress(body.data(), body.size(), &raw));
  return raw;
}

// series text -> timestamps received, from 1.0 requests.
std::map<std::string, std::vector<int64_t>> Received(const std::vector<RecordedRequest>& reqs, int status_ok_from = 0) {
  std::map<std::string, std::vector<int64_t>> out;
  for (size_t i = static_cast<size_t>(status_ok_from); i < reqs.size(); ++i) {
    prometheus::WriteRequest wr;
    EXPECT_TRUE(wr.ParseFromString(Unsnappy(reqs[i].body)));
    for (const auto& ts : wr.timeseries()) {
      std::string key;
      for (const auto& l : ts.labels()) key += l.name() + "=" + l.value() + ",";
      for (const auto& s : ts.samples()) out[key].push_back(s.timestamp());
    }
  }
  return out;
}

bool WaitFor(const std::function<bool()>& pred, int ms = 5000) {
  for (int i = 0; i < ms / 10; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

class QueueManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("queue_manager_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto w = wal::Wal::Open((dir_ / "wal").string(), {.segment_bytes = 1 << 20, .fsync = false});
    ASSERT_TRUE(w.ok());
    wal_ = std::move(*w);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void LogSeries(storage::SeriesRef ref, const std::string& name) {
    wal::RefSeries s{ref, storage::Labels::FromUnsorted({{"__name__", name}, {"job", "j"}})};
    {
      std::lock_guard<std::mutex> lock(*index_mu_);
      (*index_)[ref] = s.labels;
    }
    ASSERT_TRUE(wal_->Log({{static_cast<uint8_t>(wal::RecordType::kSeries), wal::EncodeSeries({s})}}).ok());
  }
  void LogSamples(storage::SeriesRef ref, int64_t from, int64_t n) {
    std::vector<wal::RefSample> s;
    for (int64_t i = 0; i < n; ++i) s.push_back({ref, from + i, static_cast<double>(from + i)});
    ASSERT_TRUE(wal_->Log({{static_cast<uint8_t>(wal::RecordType::kSamples), wal::EncodeSamples(s)}}).ok());
  }

  RemoteWriteConfig Config(const std::string& url) {
    RemoteWriteConfig cfg;
    cfg.url = url;
    cfg.name = "test";
    cfg.queue.batch_send_deadline_ms = 50;
    cfg.queue.max_samples_per_send = 100;
    cfg.queue.min_backoff_ms = 10;
    cfg.queue.max_backoff_ms = 50;
    return cfg;
  }
  QueueOptions Options() {
    QueueOptions o;
    o.wal_dir = (dir_ / "wal").string();
    o.state_dir = (dir_ / "remote_write").string();
    o.external_labels = storage::Labels::FromUnsorted({{"cluster", "c1"}, {"job", "ignored"}});
    o.position_flush_ms = 20;
    // The DB's index: a queue starting after a series record asks it.
    o.series_labels = [idx = index_, mu = index_mu_](storage::SeriesRef ref) -> std::optional<storage::Labels> {
      std::lock_guard<std::mutex> lock(*mu);
      auto it = idx->find(ref);
      if (it == idx->end()) return std::nullopt;
      return it->second;
    };
    o.watcher_poll_ms = 5;
    return o;
  }

  std::filesystem::path dir_;
  std::unique_ptr<wal::Wal> wal_;
  std::shared_ptr<std::map<storage::SeriesRef, storage::Labels>> index_ =
      std::make_shared<std::map<storage::SeriesRef, storage::Labels>>();
  std::shared_ptr<std::mutex> index_mu_ = std::make_shared<std::mutex>();
};

TEST_F(QueueManagerTest, SendsEverySampleWithExternalLabelsAndRelabeling) {
  RecordingServer rx;
  rx.set_responder([](const RecordedRequest&) { return Answer(204); });
  auto cfg = Config(rx.url("/push"));
  ingest::RelabelConfig drop;
  drop.source_labels = {"__name__"};
  drop.regex = ingest::RelabelRegexp::Compile("dropped").value();
  drop.action = ingest::RelabelAction::kDrop;
  auto rules = ingest::MakeRelabelRules({drop}, storage::NameValidationScheme::kUtf8);
  ASSERT_TRUE(rules.ok());
  cfg.write_relabel = *rules;
  // Queue starts from the beginning of the WAL: give it a saved position.
  auto q = QueueManager::Create(cfg, Options());
  ASSERT_TRUE(q.ok());
  (*q)->Start();
  LogSeries(1, "kept");
  LogSeries(2, "dropped");
  for (int i = 0; i < 10; ++i) {
    LogSamples(1, i * 50, 50);
    LogSamples(2, i * 50, 50);
  }
  ASSERT_TRUE(WaitFor([&] { return (*q)->Figures().samples_dropped_total == 500 && (*q)->Figures().samples_pending == 0 &&
                                   Received(rx.requests())["__name__=kept,cluster=c1,job=j,"].size() == 500; }));
  const auto got = Received(rx.requests());
  ASSERT_EQ(got.size(), 1u);
  const auto& ts = got.begin()->second;
  for (size_t i = 0; i < ts.size(); ++i) EXPECT_EQ(ts[i], static_cast<int64_t>(i));
  const auto req = rx.requests().front();
  EXPECT_EQ(req.headers.at("content-encoding"), "snappy");
  EXPECT_EQ(req.headers.at("content-type"), "application/x-protobuf");
  EXPECT_EQ(req.headers.at("x-prometheus-remote-write-version"), "0.1.0");
  const QueueFigures f = (*q)->Figures();
  EXPECT_EQ(f.samples_in_total, 1000u);
  EXPECT_EQ(f.samples_total, 500u);
  EXPECT_EQ(f.samples_failed_total, 0u);
  EXPECT_GT(f.bytes_total, 0u);
  EXPECT_EQ(f.highest_sent_timestamp_seconds, 0.499);
  (*q)->Stop();
  // The saved position is the end of the WAL: a restart sends nothing again.
  const size_t before = rx.requests().size();
  auto again = QueueManager::Create(cfg, Options());
  ASSERT_TRUE(again.ok());
  (*again)->Start();
  LogSamples(1, 500, 1);
  ASSERT_TRUE(WaitFor([&] { return rx.requests().size() == before + 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(rx.requests().size(), before + 1);
  (*again)->Stop();
}

TEST_F(QueueManagerTest, RetriesServerErrorsAndDropsClientErrors) {
  RecordingServer rx;
  std::atomic<int> calls{0};
  rx.set_responder([&](const RecordedRequest&) {
    const int n = calls++;
    if (n < 2) return Answer(503);
    if (n == 2) return Answer(400);
    return Answer(204);
  });
  auto q = QueueManager::Create(Config(rx.url("/push")), Options());
  ASSERT_TRUE(q.ok());
  (*q)->Start();
  LogSeries(1, "m");
  LogSamples(1, 0, 10);  // 503, 503, then 400: dropped
  ASSERT_TRUE(WaitFor([&] { return (*q)->Figures().samples_failed_total == 10; }));
  LogSamples(1, 10, 10);  // 204
  ASSERT_TRUE(WaitFor([&] { return (*q)->Figures().highest_sent_timestamp_seconds == 0.019; }));
  const QueueFigures f = (*q)->Figures();
  EXPECT_EQ(f.samples_retried_total, 20u);
  EXPECT_EQ(f.samples_total, 40u);  // every attempt
  EXPECT_EQ(calls.load(), 4);
  (*q)->Stop();
}

TEST_F(QueueManagerTest, RateLimitRetriedOnlyWhenAskedHonouringRetryAfter) {
  RecordingServer rx;
  std::atomic<int> calls{0};
  rx.set_responder([&](const RecordedRequest&) {
    return calls++ == 0 ? CannedResponse{.status = 429, .headers = {{"Retry-After", "1"}}} : Answer(204);
  });
  auto cfg = Config(rx.url("/push"));
  cfg.queue.retry_on_http_429 = true;
  auto q = QueueManager::Create(cfg, Options());
  ASSERT_TRUE(q.ok());
  (*q)->Start();
  LogSeries(1, "m");
  const auto start = std::chrono::steady_clock::now();
  LogSamples(1, 0, 5);
  ASSERT_TRUE(WaitFor([&] { return rx.requests().size() == 2; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(950));  // Retry-After, not 10 ms
  EXPECT_EQ((*q)->Figures().samples_failed_total, 0u);
  (*q)->Stop();

  RecordingServer rx2;
  rx2.set_responder([](const RecordedRequest&) { return Answer(429); });
  auto cfg2 = Config(rx2.url("/push"));
  cfg2.name = "noretry";
  auto q2 = QueueManager::Create(cfg2, Options());
  ASSERT_TRUE(q2.ok());
  (*q2)->Start();
  LogSamples(1, 5, 5);
  ASSERT_TRUE(WaitFor([&] { return (*q2)->Figures().samples_failed_total == 5; }));
  EXPECT_EQ(rx2.requests().size(), 1u);
  (*q2)->Stop();
}

TEST_F(QueueManagerTest, UnacknowledgedSamplesAreResentAfterRestart) {
  RecordingServer rx;
  rx.set_responder([](const RecordedRequest&) { return Answer(503); });
  auto cfg = Config(rx.url("/push"));
  auto q = QueueManager::Create(cfg, Options());
  ASSERT_TRUE(q.ok());
  const uint64_t keep = (*q)->KeepFromSegment();
  (*q)->Start();
  LogSeries(1, "m");
  LogSamples(1, 0, 10);
  ASSERT_TRUE(WaitFor([&] { return rx.requests().size() >= 2; }));
  (*q)->Stop();  // the receiver never accepted: the position stays put
  EXPECT_EQ((*q)->KeepFromSegment(), keep);
  rx.set_responder([](const RecordedRequest&) { return Answer(204); });
  const size_t failed_before = rx.requests().size();
  auto q2 = QueueManager::Create(cfg, Options());
  ASSERT_TRUE(q2.ok());
  (*q2)->Start();
  ASSERT_TRUE(WaitFor([&] { return (*q2)->Figures().highest_sent_timestamp_seconds == 0.009; }));
  const auto got = Received(rx.requests(), static_cast<int>(failed_before));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got.begin()->second.size(), 10u);
  (*q2)->Stop();
}

TEST_F(QueueManagerTest, RemoteWrite2SendsASymbolTable) {
  RecordingServer rx;
  rx.set_responder([](const RecordedRequest&) {
    return CannedResponse{.status = 204, .headers = {{"X-Prometheus-Remote-Write-Samples-Written", "3"}}};
  });
  auto cfg = Config(rx.url("/push"));
  cfg.protobuf_message = WireFormat::kV2;
  auto q = QueueManager::Create(cfg, Options());
  ASSERT_TRUE(q.ok());
  (*q)->Start();
  LogSeries(1, "m");
  LogSamples(1, 0, 3);
  ASSERT_TRUE(WaitFor([&] { return rx.requests().size() == 1; }));
  ASSERT_TRUE(WaitFor([&] { return (*q)->Figures().highest_sent_timestamp_seconds == 0.002; }));
  const auto req = rx.requests().front();
  EXPECT_EQ(req.headers.at("content-type"), "application/x-protobuf;proto=io.prometheus.write.v2.Request");
  EXPECT_EQ(req.headers.at("x-prometheus-remote-write-version"), "2.0.0");
  io::prometheus::write::v2::Request r;
  ASSERT_TRUE(r.ParseFromString(Unsnappy(req.body)));
  ASSERT_EQ(r.timeseries_size(), 1);
  EXPECT_EQ(r.symbols(0), "");
  std::string labels;
  for (int i = 0; i + 1 < r.timeseries(0).labels_refs_size(); i += 2) {
    labels += r.symbols(static_cast<int>(r.timeseries(0).labels_refs(i))) + "=" +
              r.symbols(static_cast<int>(r.timeseries(0).labels_refs(i + 1))) + ",";
  }
  EXPECT_EQ(labels, "__name__=m,cluster=c1,job=j,");
  EXPECT_EQ(r.timeseries(0).samples_size(), 3);
  EXPECT_EQ((*q)->Figures().samples_failed_total, 0u);
  (*q)->Stop();
}

}  // namespace
}  // namespace cairn::remote

namespace cairn::remote {
namespace {

// Shutdown flush (--storage.remote.flush-deadline): what the WAL holds is
// sent before Stop returns, even samples whose batch would wait for a long
// batch_send_deadline and records the watcher had not read yet.
TEST_F(QueueManagerTest, StopWithFlushDeadlineSendsWhatTheWalHolds) {
  RecordingServer rx;
  rx.set_responder([](const RecordedRequest&) { return Answer(204); });
  auto cfg = Config(rx.url("/push"));
  cfg.queue.batch_send_deadline_ms = 60000;  // nothing would go out for a minute
  cfg.queue.max_samples_per_send = 10000;
  auto opts = Options();
  opts.watcher_poll_ms = 200;
  auto q = QueueManager::Create(cfg, opts);
  ASSERT_TRUE(q.ok());
  (*q)->Start();
  LogSeries(1, "m");
  LogSamples(1, 0, 50);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  LogSamples(1, 50, 50);  // likely not yet read when Stop starts
  const auto start = std::chrono::steady_clock::now();
  (*q)->Stop(5000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  const auto got = Received(rx.requests());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got.begin()->second.size(), 100u);
  // Acknowledged: a restart sends nothing again.
  auto q2 = QueueManager::Create(cfg, Options());
  ASSERT_TRUE(q2.ok());
  (*q2)->Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  (*q2)->Stop(1000);
  EXPECT_EQ(Received(rx.requests()).begin()->second.size(), 100u);
}

TEST_F(QueueManagerTest, StopWithoutFlushSendsNothingMore) {
  RecordingServer rx;
  rx.set_responder([](const RecordedRequest&) { return Answer(204); });
  auto cfg = Config(rx.url("/push"));
  cfg.queue.batch_send_deadline_ms = 60000;
  cfg.queue.max_samples_per_send = 10000;
  auto q = QueueManager::Create(cfg, Options());
  ASSERT_TRUE(q.ok());
  (*q)->Start();
  LogSeries(1, "m");
  LogSamples(1, 0, 50);
  ASSERT_TRUE(WaitFor([&] { return (*q)->Figures().samples_pending == 50; }));
  (*q)->Stop(0);
  EXPECT_TRUE(rx.requests().empty());
}

TEST_F(QueueManagerTest, FlushDeadlineBoundsStopWhileTheReceiverFails) {
  RecordingServer rx;
  rx.set_responder([](const RecordedRequest&) { return Answer(503); });
  auto q = QueueManager::Create(Config(rx.url("/push")), Options());
  ASSERT_TRUE(q.ok());
  const uint64_t keep = (*q)->KeepFromSegment();
  (*q)->Start();
  LogSeries(1, "m");
  LogSamples(1, 0, 10);
  ASSERT_TRUE(WaitFor([&] { return !rx.requests().empty(); }));
  const auto start = std::chrono::steady_clock::now();
  (*q)->Stop(500);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(450));
  EXPECT_LT(took, std::chrono::milliseconds(2000));
  EXPECT_EQ((*q)->KeepFromSegment(), keep);  // nothing acknowledged: resent after a restart
}

}  // namespace
}  // namespace cairn::remote

namespace cairn::remote {
namespace {

// metadata_config: every send_interval the metadata goes out in 1.0
// metadata-only requests of at most max_samples_per_send entries.
TEST_F(QueueManagerTest, SendsMetadataEveryIntervalInPages) {
  RecordingServer rx;
  rx.set_responder([](const RecordedRequest&) { return Answer(204); });
  auto cfg = Config(rx.url("/push"));
  cfg.metadata.send_interval_ms = 100;
  cfg.metadata.max_samples_per_send = 2;
  auto opts = Options();
  opts.metadata = [] {
    std::map<std::string, storage::Metadata> m;
    m["a_total"] = {storage::MetricType::kCounter, "A help.", ""};
    m["b_bytes"] = {storage::MetricType::kGauge, "B help.", "bytes"};
    m["c_seconds"] = {storage::MetricType::kHistogram, "C help.", "seconds"};
    return m;
  };
  auto q = QueueManager::Create(cfg, opts);
  ASSERT_TRUE(q.ok());
  (*q)->Start();
  ASSERT_TRUE(WaitFor([&] { return (*q)->Figures().metadata_total >= 6; }));  // two rounds
  (*q)->Stop();
  const auto reqs = rx.requests();
  ASSERT_GE(reqs.size(), 4u);
  prometheus::WriteRequest first, second;
  ASSERT_TRUE(first.ParseFromString(Unsnappy(reqs[0].body)));
  ASSERT_TRUE(second.ParseFromString(Unsnappy(reqs[1].body)));
  EXPECT_EQ(first.timeseries_size(), 0);
  ASSERT_EQ(first.metadata_size(), 2);
  ASSERT_EQ(second.metadata_size(), 1);
  EXPECT_EQ(first.metadata(0).metric_family_name(), "a_total");
  EXPECT_EQ(first.metadata(0).type(), prometheus::MetricMetadata::COUNTER);
  EXPECT_EQ(first.metadata(0).help(), "A help.");
  EXPECT_EQ(first.metadata(1).type(), prometheus::MetricMetadata::GAUGE);
  EXPECT_EQ(first.metadata(1).unit(), "bytes");
  EXPECT_EQ(second.metadata(0).metric_family_name(), "c_seconds");
  EXPECT_EQ(second.metadata(0).type(), prometheus::MetricMetadata::HISTOGRAM);
  const QueueFigures f = (*q)->Figures();
  EXPECT_EQ(f.metadata_total % 3, 0u);
  EXPECT_GT(f.metadata_bytes_total, 0u);
  EXPECT_EQ(f.metadata_failed_total, 0u);
}

TEST_F(QueueManagerTest, NoMetadataWhenSendIsOffOrForRemoteWrite2) {
  RecordingServer rx;
  rx.set_responder([](const RecordedRequest&) { return Answer(204); });
  auto opts = Options();
  opts.metadata = [] {
    std::map<std::string, storage::Metadata> m;
    m["a_total"] = {storage::MetricType::kCounter, "A help.", ""};
    return m;
  };
  auto off = Config(rx.url("/push"));
  off.metadata.send = false;
  off.metadata.send_interval_ms = 20;
  auto v2 = Config(rx.url("/push"));
  v2.name = "v2";
  v2.protobuf_message = WireFormat::kV2;
  v2.metadata.send_interval_ms = 20;
  auto q1 = QueueManager::Create(off, opts);
  auto q2 = QueueManager::Create(v2, opts);
  ASSERT_TRUE(q1.ok() && q2.ok());
  (*q1)->Start();
  (*q2)->Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  (*q1)->Stop();
  (*q2)->Stop();
  EXPECT_TRUE(rx.requests().empty());
}

}  // namespace
}  // namespace cairn::remote
