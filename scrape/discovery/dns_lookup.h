// DnsLookup: one DNS query through c-ares, for dns_sd_configs. The name is
// looked up with the resolver's search list (as Prometheus does), against
// the servers of /etc/resolv.conf or the ones DnsOptions names.
// Thread-safety: a free function; each call uses its own c-ares channel.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "util/status.h"

namespace cairn::scrape::discovery {

enum class DnsType { kA, kAAAA, kSRV, kMX, kNS };

struct DnsOptions {
  // c-ares server list "host:port,host:port"; empty uses /etc/resolv.conf.
  // Tests point this at a server they run on 127.0.0.1.
  std::string servers;
  int64_t timeout_ms = 5000;  // per try; c-ares retries over each server
};

struct DnsRecord {
  // A/AAAA: the address as text. SRV/MX/NS: the host name, fully qualified
  // with its trailing dot as the record holds it.
  std::string target;
  uint16_t port = 0;  // SRV only
};

// The answer's records of `type`, in answer order. A name that does not
// exist or has no such records is an empty list, not an error. Errors:
// `could not resolve "name": <reason>` (Unavailable), Canceled on stop.
Result<std::vector<DnsRecord>> DnsLookup(const std::string& name, DnsType type, const DnsOptions& options,
                                         std::stop_token stop);

}  // namespace cairn::scrape::discovery
