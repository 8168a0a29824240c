#include "scrape/http/body_decoder.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace cairn::scrape::http {
namespace {

std::string Gzip(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Feeds `data` in pieces of `step` bytes.
Status Feed(BodyDecoder& d, const std::string& data, size_t step) {
  for (size_t i = 0; i < data.size(); i += step) CAIRN_RETURN_IF_ERROR(d.Write(std::string_view(data).substr(i, step)));
  return d.Finish();
}

TEST(BodyDecoderTest, IdentityPassesThrough) {
  std::string out;
  BodyDecoder d(false, 0, &out);
  ASSERT_TRUE(Feed(d, "up 1\n", 2).ok());
  EXPECT_EQ(out, "up 1\n");
}

TEST(BodyDecoderTest, GunzipsInAnyPieces) {
  std::string body;
  for (int i = 0; i < 2000; ++i) body += "m{i=\"" + std::to_string(i) + "\"} 1\n";
  std::string gz = Gzip(body);
  for (size_t step : {size_t{1}, size_t{7}, gz.size()}) {
    std::string out;
    BodyDecoder d(true, 0, &out);
    ASSERT_TRUE(Feed(d, gz, step).ok()) << step;
    EXPECT_EQ(out, body);
  }
}

TEST(BodyDecoderTest, LimitReachedFails) {
  std::string out;
  BodyDecoder exact(false, 5, &out);
  Status st = Feed(exact, "12345", 2);
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(st.message(), kBodySizeLimitExceeded);
  out.clear();
  BodyDecoder under(false, 6, &out);
  EXPECT_TRUE(Feed(under, "12345", 2).ok());
}

TEST(BodyDecoderTest, GzipBombStopsAtLimit) {
  std::string gz = Gzip(std::string(50u << 20, '\0'));  // 50 MiB of zeros, ~50 KB compressed
  std::string out;
  BodyDecoder d(true, 1 << 20, &out);
  Status st = Feed(d, gz, gz.size());
  EXPECT_EQ(st.message(), kBodySizeLimitExceeded);
  EXPECT_LE(out.size(), size_t{1} << 20);
}

TEST(BodyDecoderTest, TruncatedAndBadGzip) {
  std::string gz = Gzip("up 1\nup 2\n");
  std::string out;
  BodyDecoder cut(true, 0, &out);
  EXPECT_EQ(Feed(cut, gz.substr(0, gz.size() - 4), 3).message(), "unexpected EOF");
  out.clear();
  BodyDecoder bad(true, 0, &out);
  EXPECT_EQ(Feed(bad, "plain text", 3).message(), "gzip: invalid header");
  out.clear();
  BodyDecoder empty(true, 0, &out);
  EXPECT_EQ(empty.Finish().message(), "EOF");
  std::string flipped = gz;
  flipped[flipped.size() - 6] ^= 0x55;  // the CRC32 trailer
  out.clear();
  BodyDecoder crc(true, 0, &out);
  EXPECT_EQ(Feed(crc, flipped, flipped.size()).message(), "gzip: invalid checksum");
}

}  // namespace
}  // namespace cairn::scrape::http
