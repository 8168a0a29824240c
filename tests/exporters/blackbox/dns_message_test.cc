#include "exporters/blackbox/dns_message.h"

#include <gtest/gtest.h>

#include "tests/exporters/blackbox/test_servers.h"

namespace cairn::blackbox {
namespace {

TEST(BlackboxDnsMessage, QueryEncoding) {
  std::string q = EncodeDnsQuery(0x1234, "example.test", 1, 1, true);
  const std::string want("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07" "example\x04test\x00\x00\x01\x00\x01", 30);
  EXPECT_EQ(q, want);
  EXPECT_EQ(EncodeDnsQuery(1, "a.", 6, 1, false).size(), 12u + 3 + 4);
}

TEST(BlackboxDnsMessage, DecodesWithCompressionAndRendersAsMiekg) {
  testing_servers::DnsAnswerSpec spec;
  std::string query = EncodeDnsQuery(77, "example.test", 255, 1, true);
  std::string reply = testing_servers::BuildDnsReply(query, spec);
  auto m = DecodeDnsMessage(reply);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m.value().id, 77);
  EXPECT_TRUE(m.value().response);
  EXPECT_EQ(m.value().rcode, 0);
  ASSERT_EQ(m.value().answer.size(), 3u);
  EXPECT_EQ(m.value().answer[0].String(), "example.test.\t300\tIN\tA\t127.0.0.1");
  EXPECT_EQ(m.value().answer[1].String(), "example.test.\t300\tIN\tTXT\t\"hello \\\"world\\\"\"");
  EXPECT_EQ(m.value().answer[2].String(),
            "example.test.\t300\tIN\tSOA\tns1.example.test. hostmaster.example.test. 2026120701 7200 3600 1209600 300");
  EXPECT_EQ(m.value().answer[2].soa_serial, 2026120701u);
  ASSERT_EQ(m.value().authority.size(), 1u);
  EXPECT_EQ(m.value().authority[0].String(), "example.test.\t300\tIN\tNS\tns1.example.test.");
  ASSERT_EQ(m.value().additional.size(), 1u);
  EXPECT_EQ(m.value().additional[0].String(), "ns1.example.test.\t300\tIN\tAAAA\t::1");
}

TEST(BlackboxDnsMessage, RefusesMalformed) {
  EXPECT_FALSE(DecodeDnsMessage("\x00\x01").ok());
  // A name that points at itself must not loop.
  std::string loop("\x00\x01\x81\x80\x00\x00\x00\x01\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x01\x00\x04\x7f\x00\x00\x01",
                   28);
  EXPECT_FALSE(DecodeDnsMessage(loop).ok());
  EXPECT_EQ(DnsTypeString(65000), "TYPE65000");
  EXPECT_EQ(DnsRcodeString(3), "NXDOMAIN");
}

}  // namespace
}  // namespace cairn::blackbox
