#include "util/crc32c.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace cairn {
namespace {

// Bit-at-a-time reference, straight from the polynomial.
uint32_t BitwiseCrc32c(std::string_view data) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

TEST(Crc32cTest, KnownVectors) {
  // The common "123456789" check value and RFC 3720 B.4 vectors.
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string inc, dec;
  for (int i = 0; i < 32; ++i) {
    inc.push_back(static_cast<char>(i));
    dec.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Crc32c(inc), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(dec), 0x113FDB5Cu);
}

TEST(Crc32cTest, ContinuingEqualsWhole) {
  EXPECT_EQ(Crc32c("56789", Crc32c("1234")), 0xE3069283u);
  const std::string s = "The quick brown fox jumps over the lazy dog, 0123456789 times.";
  for (size_t i = 0; i <= s.size(); ++i) {
    const std::string_view v(s);
    EXPECT_EQ(Crc32c(v.substr(i), Crc32c(v.substr(0, i))), Crc32c(s)) << i;
  }
}

TEST(Crc32cTest, MatchesBitwiseReferenceAtEveryLengthAndAlignment) {
  std::mt19937 rng(42);
  std::string buf(200, '\0');
  for (char& c : buf) c = static_cast<char>(rng());
  for (size_t off = 0; off < 8; ++off) {
    for (size_t len = 0; off + len <= buf.size(); ++len) {
      const std::string_view v(buf.data() + off, len);
      ASSERT_EQ(Crc32c(v), BitwiseCrc32c(v)) << off << " " << len;
    }
  }
}

}  // namespace
}  // namespace cairn
