#include "storage/head/mem_series.h"

#include <bit>

#include <gtest/gtest.h>

#include "storage/chunk/xor_chunk.h"

namespace cairn::storage::head {
namespace {

constexpr int64_t kT0 = 1'763'942'400'000;  // a 2 h boundary (midnight UTC)

class MemSeriesTest : public ::testing::Test {
 protected:
  MemSeries s_{7, 120};
  std::atomic<uint64_t> ids_{1};
  std::vector<ClosedChunk> closed_;
};

TEST_F(MemSeriesTest, CutsAt120Samples) {
  for (int i = 0; i < 121; ++i) EXPECT_EQ(s_.Append(kT0 + i, i, ids_, &closed_), AppendOutcome::kAppended);
  ASSERT_EQ(closed_.size(), 1u);
  EXPECT_EQ(closed_[0].min_t_ms, kT0);
  EXPECT_EQ(closed_[0].max_t_ms, kT0 + 119);
  EXPECT_EQ(closed_[0].id, 0u);
  EXPECT_EQ(chunk::XorNumSamples(closed_[0].data), 120);
  EXPECT_EQ(s_.NumChunks(), 2u);  // the open chunk and the unflushed one
  s_.ForgetFlushed(kT0, 0);
  EXPECT_EQ(s_.NumChunks(), 1u);
}

TEST_F(MemSeriesTest, ChunkGaugeFollowsNumChunksAcrossSeries) {
  std::atomic<int64_t> gauge{0};
  MemSeries a(1, 4, &gauge), b(2, 4, &gauge);
  const auto sum = [&] { return static_cast<int64_t>(a.NumChunks() + b.NumChunks()); };
  for (int i = 0; i < 10; ++i) {
    a.Append(kT0 + 100 + i, i, ids_, &closed_);
    EXPECT_EQ(gauge.load(), sum()) << i;
  }
  for (int i = 0; i < 5; ++i) b.Append(kT0 + 50 - i, i, ids_, &closed_);  // out of order after the first
  EXPECT_EQ(gauge.load(), sum());
  EXPECT_GT(gauge.load(), 2);
  for (const ClosedChunk& c : closed_) (c.ref == 1 ? a : b).ForgetFlushed(c.min_t_ms, c.id);
  EXPECT_EQ(gauge.load(), sum());
  std::string state;
  std::vector<ClosedChunk> unflushed;
  ASSERT_TRUE(a.EncodeCheckpoint(&state, &unflushed));
  MemSeries c(3, 4, &gauge);
  ASSERT_TRUE(c.RestoreCheckpoint(state).ok());
  EXPECT_EQ(gauge.load(), sum() + static_cast<int64_t>(c.NumChunks()));
}

TEST_F(MemSeriesTest, CutsAtTwoHourBoundary) {
  const int64_t h = 3600 * 1000;
  s_.Append(kT0 + h, 1, ids_, &closed_);
  s_.Append(kT0 + 2 * h - 1, 2, ids_, &closed_);
  EXPECT_TRUE(closed_.empty());
  s_.Append(kT0 + 2 * h, 3, ids_, &closed_);
  ASSERT_EQ(closed_.size(), 1u);
  EXPECT_EQ(closed_[0].max_t_ms, kT0 + 2 * h - 1);
}

TEST_F(MemSeriesTest, DuplicatesAndConflicts) {
  s_.Append(kT0 + 10, 1, ids_, &closed_);
  s_.Append(kT0 + 20, 2, ids_, &closed_);
  EXPECT_EQ(s_.Append(kT0 + 10, 1, ids_, &closed_), AppendOutcome::kDuplicate);
  EXPECT_EQ(s_.Append(kT0 + 20, 5, ids_, &closed_), AppendOutcome::kConflict);
  EXPECT_TRUE(s_.Conflicts(kT0 + 10, 9));
  EXPECT_FALSE(s_.Conflicts(kT0 + 10, 1));
  EXPECT_FALSE(s_.Conflicts(kT0 + 30, 1));
  EXPECT_EQ(s_.Append(kT0 + 15, 3, ids_, &closed_), AppendOutcome::kOutOfOrder);
  EXPECT_EQ(s_.Append(kT0 + 15, 3, ids_, &closed_), AppendOutcome::kDuplicate);
  EXPECT_EQ(s_.Append(kT0 + 15, 4, ids_, &closed_), AppendOutcome::kConflict);
  // NaN payloads compare by bits: the stale marker is not "the same" NaN.
  s_.Append(kT0 + 40, StaleNaN(), ids_, &closed_);
  EXPECT_EQ(s_.Append(kT0 + 40, StaleNaN(), ids_, &closed_), AppendOutcome::kDuplicate);
  EXPECT_EQ(s_.Append(kT0 + 40, std::bit_cast<double>(kNormalNaNBits), ids_, &closed_), AppendOutcome::kConflict);
}

TEST_F(MemSeriesTest, OutOfOrderBufferBecomesChunksSplitAtTwoHours) {
  const int64_t h = 3600 * 1000;
  s_.Append(kT0 + 10 * h, 0, ids_, &closed_);
  // 120 old samples spanning a 2 h boundary at kT0 + 2h.
  for (int i = 0; i < 120; ++i) s_.Append(kT0 + 2 * h - 60'000 * 60 + i * 60'000, i, ids_, &closed_);
  ASSERT_EQ(closed_.size(), 2u);
  EXPECT_EQ(closed_[0].max_t_ms, kT0 + 2 * h - 60'000);
  EXPECT_EQ(closed_[1].min_t_ms, kT0 + 2 * h);
  EXPECT_NE(closed_[0].id, 0u);
  EXPECT_NE(closed_[0].id, closed_[1].id);
  EXPECT_EQ(chunk::XorNumSamples(closed_[0].data) + chunk::XorNumSamples(closed_[1].data), 120);
}

TEST_F(MemSeriesTest, CheckpointRoundTripContinuesAppending) {
  for (int i = 0; i < 50; ++i) s_.Append(kT0 + i * 1000, i, ids_, &closed_);
  s_.Append(kT0 + 500, 42, ids_, &closed_);  // OOO
  std::string state;
  std::vector<ClosedChunk> unflushed;
  ASSERT_TRUE(s_.EncodeCheckpoint(&state, &unflushed));
  EXPECT_FALSE(s_.EncodeCheckpoint(&state, &unflushed));  // nothing changed since
  MemSeries restored(7, 120);
  ASSERT_TRUE(restored.RestoreCheckpoint(state).ok());
  EXPECT_EQ(restored.Append(kT0 + 49'000, 49, ids_, &closed_), AppendOutcome::kDuplicate);
  EXPECT_EQ(restored.Append(kT0 + 500, 42, ids_, &closed_), AppendOutcome::kDuplicate);
  EXPECT_EQ(restored.Append(kT0 + 50'000, 50, ids_, &closed_), AppendOutcome::kAppended);
  const auto snap = restored.Snapshot(kT0, kT0 + 100'000);
  ASSERT_EQ(snap.chunks.size(), 1u);
  EXPECT_EQ(chunk::XorNumSamples(snap.chunks[0].data), 51);
  ASSERT_EQ(snap.ooo.size(), 1u);
  EXPECT_FALSE(restored.RestoreCheckpoint(state.substr(0, state.size() - 3)).ok());
}

}  // namespace
}  // namespace cairn::storage::head
