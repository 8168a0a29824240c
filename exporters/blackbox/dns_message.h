// The DNS wire format (RFC 1035) for the dns prober: a query encoder and a
// response decoder with name decompression, and resource records rendered as
// miekg/dns's RR.String() ("example.com.\t300\tIN\tA\t127.0.0.1"), which is
// what upstream's validate_*_rrs regexps are matched against. c-ares 1.18
// (Debian's) has no generic message parser, so this is small and fuzzed.
// Thread-safety: plain functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cairn::blackbox {

struct DnsRecord {
  std::string name;  // presentation form, fully qualified ("example.com.")
  uint16_t type = 0;
  uint16_t rr_class = 0;
  uint32_t ttl = 0;
  std::string rdata_text;  // the presentation form of the RDATA
  uint32_t soa_serial = 0;  // for SOA records
  std::string String() const;  // miekg/dns's RR.String()
};

struct DnsMessage {
  uint16_t id = 0;
  bool response = false;
  bool truncated = false;
  int rcode = 0;
  std::vector<DnsRecord> answer, authority, additional;
};

// A query with one question; `name` is made fully qualified.
std::string EncodeDnsQuery(uint16_t id, std::string_view name, uint16_t type, uint16_t qclass, bool recursion_desired);

// Decodes a whole message; Corruption for a malformed one.
Result<DnsMessage> DecodeDnsMessage(std::string_view wire);

std::string DnsTypeString(uint16_t type);    // "A", "TYPE999"
std::string DnsClassString(uint16_t cls);    // "IN", "CLASS9"
std::string DnsRcodeString(int rcode);       // "NOERROR", "RCODE15"

}  // namespace cairn::blackbox
