// MD5 against RFC 1321's test suite and lengths around the padding boundary
// (digests of the latter from Python's hashlib).
#include "ingest/md5.h"

#include <string>

#include <gtest/gtest.h>

namespace cairn::ingest {
namespace {

std::string Hex(const Md5Digest& d) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

TEST(Md5Test, Rfc1321Suite) {
  EXPECT_EQ(Hex(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Hex(Md5(std::string_view())), "d41d8cd98f00b204e9800998ecf8427e");  // null data
  EXPECT_EQ(Hex(Md5("a")), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(Hex(Md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Hex(Md5("message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(Hex(Md5("abcdefghijklmnopqrstuvwxyz")), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(Hex(Md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890")),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5Test, PaddingBoundaries) {
  EXPECT_EQ(Hex(Md5(std::string(55, 'A'))),
            "e38a93ffe074a99b3fed47dfbe37db21");  // length fits the first block
  EXPECT_EQ(Hex(Md5(std::string(56, 'B'))), "ee0a6d91f573b47a98f7ce0b4d671c5f");  // needs a second block
  EXPECT_EQ(Hex(Md5(std::string(64, 'C'))), "96d2704b7115c040215a81e658b74d8c");
  EXPECT_EQ(Hex(Md5(std::string(119, 'D'))), "029ba7bf0a9569048c049ffbaa851902");
  EXPECT_EQ(Hex(Md5(std::string(1000, 'E'))), "e31af5bfd926db7851ada5e6c72a04a0");
}

}  // namespace
}  // namespace cairn::ingest
