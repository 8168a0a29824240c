#include "storage/series_load_ahead.h"

#include <atomic>
#include <vector>

#include <gtest/gtest.h>

namespace cairn::storage {
namespace {

// Series i holds i % 3 samples (so every third one is empty and skipped),
// with values that name the series.
Status LoadFake(size_t i, std::vector<Sample>* out) {
  for (size_t k = 0; k < i % 3; ++k) out->push_back({static_cast<int64_t>(k), static_cast<double>(i)});
  return Status::OK();
}

TEST(SeriesLoadAheadTest, HandsOutNonEmptySeriesInOrder) {
  const size_t n = SeriesLoadAhead::kBatch * (SeriesLoadAhead::kMaxBatches + 3) + 5;
  SeriesLoadAhead ahead(n, LoadFake);
  SeriesLoadAhead::Loaded l;
  size_t expect = 0;
  size_t got = 0;
  while (ahead.Next(&l)) {
    while (expect % 3 == 0) ++expect;
    EXPECT_EQ(l.index, expect);
    ASSERT_EQ(l.samples->size(), expect % 3);
    EXPECT_EQ((*l.samples)[0].v, static_cast<double>(expect));
    ++expect;
    ++got;
  }
  EXPECT_TRUE(ahead.status().ok());
  EXPECT_EQ(got, n - (n + 2) / 3);
  EXPECT_FALSE(ahead.Next(&l));
}

TEST(SeriesLoadAheadTest, LoadErrorEndsIterationWithIt) {
  SeriesLoadAhead ahead(1000, [](size_t i, std::vector<Sample>* out) {
    if (i == 700) return Status::Corruption("bad chunk");
    out->push_back({1, 1});
    return Status::OK();
  });
  SeriesLoadAhead::Loaded l;
  size_t got = 0;
  while (ahead.Next(&l)) {
    EXPECT_LT(l.index, 700u);
    ++got;
  }
  EXPECT_LE(got, 700u);
  EXPECT_EQ(ahead.status().code(), Status::Corruption("").code());
}

TEST(SeriesLoadAheadTest, DestroyingEarlyStopsTheLoader) {
  std::atomic<size_t> loaded{0};
  {
    SeriesLoadAhead ahead(1000000, [&](size_t, std::vector<Sample>* out) {
      ++loaded;
      out->push_back({1, 1});
      return Status::OK();
    });
    SeriesLoadAhead::Loaded l;
    ASSERT_TRUE(ahead.Next(&l));
  }
  // Bounded by the batches allowed to wait, not by the million asked for.
  EXPECT_LE(loaded.load(), SeriesLoadAhead::kBatch * (SeriesLoadAhead::kMaxBatches + 2));
}

TEST(SeriesLoadAheadTest, NothingToLoad) {
  SeriesLoadAhead ahead(0, LoadFake);
  SeriesLoadAhead::Loaded l;
  EXPECT_FALSE(ahead.Next(&l));
  EXPECT_TRUE(ahead.status().ok());
}

}  // namespace
}  // namespace cairn::storage
