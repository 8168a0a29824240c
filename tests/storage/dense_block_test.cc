#include "storage/chunk/dense_block.h"

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

namespace cairn::storage::chunk {
namespace {

constexpr int64_t kT0 = 1'764'000'000'000;

std::vector<Sample> RoundTrip(const std::vector<Sample>& in) {
  std::string block = EncodeDenseBlock(in);
  std::vector<Sample> out;
  Status st = DecodeDenseBlock(block, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

void ExpectBitExact(const std::vector<Sample>& in) {
  std::vector<Sample> out = RoundTrip(in);
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    ASSERT_EQ(out[i].t_ms, in[i].t_ms) << i;
    ASSERT_EQ(std::bit_cast<uint64_t>(out[i].v), std::bit_cast<uint64_t>(in[i].v)) << i << " " << in[i].v;
  }
}

std::vector<Sample> Scrape(size_t n, int64_t interval, const std::function<double(size_t)>& value,
                           int jitter_ms = 0, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::vector<Sample> out;
  int64_t t = kT0;
  for (size_t i = 0; i < n; ++i) {
    out.push_back({t + (jitter_ms ? static_cast<int64_t>(rng() % (2 * jitter_ms + 1)) - jitter_ms : 0), value(i)});
    t += interval;
  }
  return out;
}

TEST(DenseBlockTest, AdversarialValuesRoundTripBitForBit) {
  const std::vector<double> special{0.0,
                                    -0.0,
                                    1.0,
                                    -1.0,
                                    0.1,
                                    0.3,
                                    1e-300,
                                    1e300,
                                    -1e308,
                                    9007199254740993.0,  // 2^53 + 1 is not a double; this is 2^53
                                    9007199254740994.0,
                                    123456789.123456789,
                                    std::numeric_limits<double>::max(),
                                    std::numeric_limits<double>::lowest(),
                                    std::numeric_limits<double>::min(),
                                    std::numeric_limits<double>::denorm_min(),
                                    -std::numeric_limits<double>::denorm_min(),
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(),
                                    std::bit_cast<double>(kStaleNaNBits),
                                    std::bit_cast<double>(kNormalNaNBits),
                                    std::bit_cast<double>(uint64_t{0xfff8dead0000beef}),
                                    std::bit_cast<double>(uint64_t{0x7ff0000000000001}),  // signalling NaN
                                    0.1 + 0.2,
                                    1.0 / 3.0};
  std::vector<Sample> in;
  for (size_t i = 0; i < special.size(); ++i) in.push_back({kT0 + static_cast<int64_t>(i) * 15000, special[i]});
  ExpectBitExact(in);
  // And each special value inside an otherwise decimal series (an exception).
  for (double v : special) {
    auto series = Scrape(200, 15000, [](size_t i) { return 100.0 + 0.25 * static_cast<double>(i); });
    series[77].v = v;
    ExpectBitExact(series);
  }
}

TEST(DenseBlockTest, RandomValuesAndTimestampsRoundTrip) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    const size_t n = 1 + rng() % 700;
    std::vector<Sample> in;
    int64_t t = static_cast<int64_t>(rng()) >> (rng() % 40);
    for (size_t i = 0; i < n; ++i) {
      double v;
      switch (rng() % 4) {
        case 0: v = std::bit_cast<double>(rng()); break;  // any bits, NaNs included
        case 1: v = static_cast<double>(static_cast<int64_t>(rng()) >> (rng() % 64)); break;
        case 2: v = static_cast<double>(rng() % 100000) / std::pow(10.0, static_cast<double>(rng() % 8)); break;
        default: v = std::ldexp(static_cast<double>(rng() % 1000), static_cast<int>(rng() % 2100) - 1100); break;
      }
      in.push_back({t, v});
      const int64_t step = 1 + static_cast<int64_t>(rng() % (rng() % 2 ? 30000 : (int64_t{1} << 40)));
      if (t > std::numeric_limits<int64_t>::max() - step) break;
      t += step;
    }
    ExpectBitExact(in);
  }
}

TEST(DenseBlockTest, ExtremeTimestampsRoundTrip) {
  ExpectBitExact({{std::numeric_limits<int64_t>::min(), 1}, {-1, 2}, {0, 3}, {std::numeric_limits<int64_t>::max(), 4}});
  ExpectBitExact({{-5, 1}});
}

TEST(DenseBlockTest, ScrapeSeriesTakeAFewBitsPerSample) {
  // 3 h at 15 s (720 samples): the shapes of a node exporter's series.
  const size_t n = 720;
  struct Case {
    const char* name;
    std::vector<Sample> samples;
    double max_bytes_per_sample;
  };
  std::mt19937_64 rng(7);
  // node_exporter's CPU seconds are ticks / USER_HZ (100): short decimals.
  int64_t ticks = 100000;
  std::vector<double> cpu_values;
  for (size_t i = 0; i < n; ++i) cpu_values.push_back(static_cast<double>(ticks += 1400 + rng() % 20) / 100);
  double bytes = 5e9;
  std::vector<double> mem_values;
  for (size_t i = 0; i < n; ++i) mem_values.push_back(bytes += static_cast<double>(static_cast<int64_t>(rng() % 512) - 256) * 4096);
  std::vector<Case> cases{
      {"constant", Scrape(n, 15000, [](size_t) { return 1.0; }), 0.1},
      {"steady counter", Scrape(n, 15000, [](size_t i) { return 1e6 + 1234.0 * static_cast<double>(i); }), 0.1},
      {"cpu seconds (2 decimals)", Scrape(n, 15000, [&](size_t i) { return cpu_values[i]; }, 3), 3.0},
      {"memory bytes gauge", Scrape(n, 15000, [&](size_t i) { return mem_values[i]; }, 3), 3.0},
  };
  for (const Case& c : cases) {
    const std::string block = EncodeDenseBlock(c.samples);
    const double per_sample = static_cast<double>(block.size()) / static_cast<double>(n);
    EXPECT_LE(per_sample, c.max_bytes_per_sample) << c.name;
    ExpectBitExact(c.samples);
  }
}

TEST(DenseBlockTest, DamagedBlocksAreCorruptionNotCrashes) {
  const auto samples = Scrape(300, 15000, [](size_t i) { return static_cast<double>(i % 17) / 4; }, 2);
  const std::string block = EncodeDenseBlock(samples);
  std::vector<Sample> out;
  EXPECT_EQ(DecodeDenseBlock("", &out).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeDenseBlock(std::string_view(block).substr(0, block.size() / 2), &out).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeDenseBlock(block + "x", &out).code(), StatusCode::kCorruption);
  std::string bad_version = block;
  bad_version[0] = 9;
  EXPECT_EQ(DecodeDenseBlock(bad_version, &out).code(), StatusCode::kCorruption);
  // Every single-byte flip either decodes to 300 ascending samples or is Corruption.
  for (size_t i = 0; i < block.size(); ++i) {
    std::string flipped = block;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    Status st = DecodeDenseBlock(flipped, &out);
    if (st.ok()) {
      for (size_t j = 1; j < out.size(); ++j) ASSERT_LT(out[j - 1].t_ms, out[j].t_ms);
    } else {
      EXPECT_EQ(st.code(), StatusCode::kCorruption);
    }
  }
}

}  // namespace
}  // namespace cairn::storage::chunk
