// WalWatcher over a real WAL: records in order, resuming from a position,
// a torn tail waited on (not skipped), a deleted segment counted as skipped.
#include "remote/wal_watcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "storage/wal/records.h"
#include "storage/wal/wal.h"

namespace cairn::remote {
namespace {

namespace wal = storage::wal;

class Collector : public WalHandler {
 public:
  void OnSeries(const std::vector<wal::RefSeries>& s) override {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& x : s) series.push_back(x.ref);
  }
  bool OnSamples(const std::vector<wal::RefSample>& s, WalPosition end) override {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& x : s) samples.push_back(x.t_ms);
    last = end;
    return true;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return samples.size();
  }
  std::mutex mu;
  std::vector<storage::SeriesRef> series;
  std::vector<int64_t> samples;
  WalPosition last;
};

bool WaitFor(const std::function<bool()>& pred) {
  for (int i = 0; i < 300; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

class WalWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("wal_watcher_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto w = wal::Wal::Open(dir_.string(), {.segment_bytes = 1 << 20, .fsync = false});
    ASSERT_TRUE(w.ok());
    wal_ = std::move(*w);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void LogSamples(storage::SeriesRef ref, int64_t from, int64_t n) {
    std::vector<wal::RefSample> s;
    for (int64_t i = 0; i < n; ++i) s.push_back({ref, from + i, static_cast<double>(from + i)});
    ASSERT_TRUE(wal_->Log({{static_cast<uint8_t>(wal::RecordType::kSamples), wal::EncodeSamples(s)}}).ok());
  }
  void LogSeries(storage::SeriesRef ref) {
    wal::RefSeries s{ref, storage::Labels::FromUnsorted({{"__name__", "m" + std::to_string(ref)}})};
    ASSERT_TRUE(wal_->Log({{static_cast<uint8_t>(wal::RecordType::kSeries), wal::EncodeSeries({s})}}).ok());
  }

  std::filesystem::path dir_;
  std::unique_ptr<wal::Wal> wal_;
};

TEST_F(WalWatcherTest, ReadsRecordsInOrderAcrossSegmentsAndKeepsUp) {
  LogSeries(1);
  LogSamples(1, 0, 10);
  ASSERT_TRUE(wal_->Rotate().ok());
  LogSamples(1, 10, 10);
  Collector c;
  WalWatcher w(dir_.string(), &c, 5);
  std::jthread t([&](std::stop_token st) { w.Run({}, st); });
  ASSERT_TRUE(WaitFor([&] { return c.count() == 20; }));
  LogSamples(1, 20, 5);  // written while the watcher tails
  ASSERT_TRUE(WaitFor([&] { return c.count() == 25; }));
  t.request_stop();
  t.join();
  for (size_t i = 0; i < c.samples.size(); ++i) EXPECT_EQ(c.samples[i], static_cast<int64_t>(i));
  EXPECT_EQ(c.series, std::vector<storage::SeriesRef>{1});
  EXPECT_EQ(w.segments_skipped_total(), 0u);
}

TEST_F(WalWatcherTest, ResumesFromAPosition) {
  LogSeries(1);
  LogSamples(1, 0, 10);
  Collector first;
  {
    WalWatcher w(dir_.string(), &first, 5);
    std::jthread t([&](std::stop_token st) { w.Run({}, st); });
    ASSERT_TRUE(WaitFor([&] { return first.count() == 10; }));
  }
  LogSamples(1, 10, 3);
  Collector second;
  WalWatcher w(dir_.string(), &second, 5);
  std::jthread t([&](std::stop_token st) { w.Run(first.last, st); });
  ASSERT_TRUE(WaitFor([&] { return second.count() == 3; }));
  t.request_stop();
  t.join();
  EXPECT_EQ(second.samples, (std::vector<int64_t>{10, 11, 12}));
}

TEST_F(WalWatcherTest, TornTailIsWaitedOnNotSkipped) {
  LogSeries(1);
  LogSamples(1, 0, 2);
  const auto pos = WalWatcher::EndOfWal(dir_.string());
  // Half a record appended by hand: a write in progress.
  std::string frame;
  std::vector<wal::RefSample> s = {{1, 2, 2.0}, {1, 3, 3.0}};
  wal::Wal::EncodeRecord(static_cast<uint8_t>(wal::RecordType::kSamples), wal::EncodeSamples(s), &frame);
  const std::string path = wal::SegmentFileName(dir_.string(), pos.segment);
  {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out.write(frame.data(), static_cast<std::streamsize>(frame.size() / 2));
  }
  Collector c;
  WalWatcher w(dir_.string(), &c, 5);
  std::jthread t([&](std::stop_token st) { w.Run({}, st); });
  ASSERT_TRUE(WaitFor([&] { return c.count() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(c.count(), 2u);
  {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out.write(frame.data() + frame.size() / 2, static_cast<std::streamsize>(frame.size() - frame.size() / 2));
  }
  ASSERT_TRUE(WaitFor([&] { return c.count() == 4; }));
  t.request_stop();
  t.join();
  EXPECT_EQ(c.samples, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(w.segments_skipped_total(), 0u);
}

TEST_F(WalWatcherTest, DeletedSegmentIsSkippedAndCounted) {
  LogSeries(1);
  LogSamples(1, 0, 2);
  auto second = wal_->Rotate();
  ASSERT_TRUE(second.ok());
  LogSamples(1, 2, 2);
  const WalPosition start{*second - 1, 3};  // inside the first segment
  ASSERT_TRUE(wal_->DeleteSegmentsBefore(*second).ok());
  Collector c;
  WalWatcher w(dir_.string(), &c, 5);
  std::jthread t([&](std::stop_token st) { w.Run(start, st); });
  ASSERT_TRUE(WaitFor([&] { return c.count() == 2; }));
  t.request_stop();
  t.join();
  EXPECT_EQ(c.samples, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(w.segments_skipped_total(), 1u);
}

}  // namespace
}  // namespace cairn::remote
