#include "storage/chunk/xor_chunk.h"

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cairn::storage::chunk {
namespace {

std::string Hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

void ExpectRoundTrip(const std::vector<Sample>& in) {
  const std::string bytes = EncodeXor(in);
  auto out = DecodeXor(bytes);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ((*out)[i].t_ms, in[i].t_ms) << i;
    EXPECT_EQ(std::bit_cast<uint64_t>((*out)[i].v), std::bit_cast<uint64_t>(in[i].v)) << i;
  }
}

// Golden bytes derived by hand from the format (storage/docs/format.md):
//   00 03                    sample count 3
//   d0 0f                    varint(1000): zig-zag 2000 = 0x7d0 -> 0xd0 0x0f
//   3f f0 00 00 00 00 00 00  1.0 as raw bits
//   e8 07                    uvarint(1000) = t1 - t0
//   then bits: 0 (v1 XOR v0 == 0), 0 (dod == 0), 1 1 (new window),
//   00001 (1 leading zero), 001011 (11 significant bits),
//   11111111111 (0x7ff = (1.0 ^ 2.0) >> 52), padded with zeros:
//   00110000 10010111 11111111 11000000 = 30 97 ff c0
TEST(XorChunkTest, GoldenBytesThreeSamples) {
  const std::string bytes = EncodeXor({{1000, 1.0}, {2000, 1.0}, {3000, 2.0}});
  EXPECT_EQ(Hex(bytes), "0003d00f3ff0000000000000e8073097ffc0");
}

// One sample: Prometheus' bstream.writeByte always appends a byte, so a
// byte-aligned stream ends in one all-free zero byte that belongs to the chunk:
//   00 01 | d0 0f (varint 1000) | 3f f0 00 00 00 00 00 00 (1.0) | 00
TEST(XorChunkTest, GoldenBytesOneSampleKeepsTrailingFreeByte) {
  EXPECT_EQ(Hex(EncodeXor({{1000, 1.0}})), "0001d00f3ff000000000000000");
  // Two equal values: the second value's single 0 bit lands in that free byte.
  EXPECT_EQ(Hex(EncodeXor({{1000, 1.0}, {2000, 1.0}})), "0002d00f3ff0000000000000e80700");
}

// A negative delta-of-delta, derived by hand: samples (0, 0.0), (10, 0.0), (19, 0.0).
//   00 03 | 00 (varint 0) | 00 x8 (0.0) | 0a (uvarint 10)
//   bits: 0 (v1 XOR == 0) | 10 (14-bit bucket) 11111111111111 (dod -1 = 9 - 10) |
//   0 (v2 XOR == 0) -> 01011111 11111111 10(000000) = 5f ff 80
TEST(XorChunkTest, GoldenBytesNegativeDod) {
  const std::string bytes = EncodeXor({{0, 0.0}, {10, 0.0}, {19, 0.0}});
  EXPECT_EQ(Hex(bytes), "00030000000000000000000a5fff80");
}

// A chunk written by Prometheus 2.42 itself (promtool tsdb
// create-blocks-from openmetrics, chunk read from the block's chunks/000001):
// decoding and re-encoding its samples must give back the same bytes.
TEST(XorChunkTest, PrometheusWrittenChunkReencodesIdentically) {
  const std::string hex =
      "002f8af78efed6664026db6db6db6db79975e186db6db6db6dbdfffe13bfebdc569c1fff74634539e4305ff000000000"
      "00927bfc00409cd59e5452eb32ffffffffffffb896cb715a20002000000000000c3a97800cdb6db6db6db6f869ea2813"
      "58ce7c6cb1eeeee1dc180000000800000003c0000000000249efe0000000600000000ffffffffffff712d78000000080"
      "0000003c000000000023b4a5fffffffffffee25ae40000007c000000010002c3a988001a7bc1e9e4aba10001ddf44d39"
      "0cb270b6883b9616280085353a1ae5e9240200d1bb47f875aa800affffffffffffb715be0008000000000000c3a91804"
      "9dd36f7ac725af715bde0000000000124f7300000001000000007fffffffffffb896bc0000003c000000010002400000"
      "00400000000800000018000000010003eb236fecdcb470d3d43b961660000000600000000bfff80035e507b2db65e900"
      "9f8057ad82e2664000c0008000000000001b8ad1001bb6db6db6db6ce1d4bc0057fffffffffffd7fff00040000000000"
      "006e2b840046db6db6db6db7c3c472ee1dc140034000c00000000000187522bfff281017ed7db2eb25ee1a7a90";
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  auto samples = DecodeXor(bytes);
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  EXPECT_EQ(samples->size(), 47u);
  EXPECT_EQ(Hex(EncodeXor(*samples)), hex);
}

TEST(XorChunkTest, SpecialValuesRoundTripBitExact) {
  ExpectRoundTrip({{1, std::numeric_limits<double>::quiet_NaN()},
                   {2, std::bit_cast<double>(kStaleNaNBits)},
                   {3, std::bit_cast<double>(kNormalNaNBits)},
                   {4, std::numeric_limits<double>::infinity()},
                   {5, -std::numeric_limits<double>::infinity()},
                   {6, -0.0},
                   {7, 0.0},
                   {8, std::bit_cast<double>(kStaleNaNBits)},
                   {9, std::numeric_limits<double>::denorm_min()},
                   {10, std::numeric_limits<double>::max()}});
}

TEST(XorChunkTest, AllDodBucketsAndNegativeTimestamps) {
  std::vector<Sample> s;
  int64_t t = -5'000'000'000'000;
  const int64_t deltas[] = {15000, 15000, 15001, 14000, 30000, 100000, 600000, 1,
                            1LL << 40, 2, 0, 0, 7, 70000, 130000, 520000, 1'100'000};
  double v = 1;
  for (int64_t d : deltas) {
    t += d;
    v = v * 1.37 + 0.5;
    s.push_back({t, v});
  }
  ExpectRoundTrip(s);
}

TEST(XorChunkTest, ExtremeTimestampsRoundTrip) {
  ExpectRoundTrip({{std::numeric_limits<int64_t>::min(), 1},
                   {std::numeric_limits<int64_t>::max(), 2},
                   {0, 3},
                   {std::numeric_limits<int64_t>::min() + 1, 4}});
}

TEST(XorChunkTest, RandomRoundTrip) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::vector<Sample> s;
    int64_t t = static_cast<int64_t>(rng() % 1'000'000'000'000);
    double v = 0;
    const int n = 1 + static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) {
      t += static_cast<int64_t>(rng() % 60000);
      switch (rng() % 4) {
        case 0: break;  // repeat value
        case 1: v += 1; break;
        case 2: v = std::bit_cast<double>(rng()); break;
        default: v = static_cast<double>(rng() % 1000) / 7.0;
      }
      s.push_back({t, v});
    }
    ExpectRoundTrip(s);
  }
}

TEST(XorChunkTest, FromBytesContinuesExactlyAsUninterrupted) {
  std::vector<Sample> s;
  for (int i = 0; i < 120; ++i) s.push_back({i * 15000 + (i % 7), i % 5 == 0 ? 1.0 : i * 0.25});
  const std::string whole = EncodeXor(s);
  for (size_t cut : {0, 1, 2, 3, 50, 119}) {
    const std::vector<Sample> head(s.begin(), s.begin() + static_cast<long>(cut));
    auto c = XorChunk::FromBytes(EncodeXor(head));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->num_samples(), cut);
    for (size_t i = cut; i < s.size(); ++i) c->Append(s[i].t_ms, s[i].v);
    EXPECT_EQ(Hex(c->bytes()), Hex(whole)) << "cut at " << cut;
  }
}

TEST(XorChunkTest, TruncatedBytesFailCleanly) {
  std::vector<Sample> s;
  for (int i = 0; i < 50; ++i) s.push_back({i * 1000, i * 1.5});
  const std::string bytes = EncodeXor(s);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodeXor(std::string_view(bytes).substr(0, n));
    // A cut inside the padding of the last byte cannot be detected; anything
    // shorter must report corruption rather than invent samples.
    if (n + 1 < bytes.size()) {
      EXPECT_FALSE(r.ok()) << n;
    }
  }
  EXPECT_EQ(XorNumSamples(bytes), 50);
  EXPECT_FALSE(XorChunk::FromBytes(bytes + "x").ok());
}

}  // namespace
}  // namespace cairn::storage::chunk
