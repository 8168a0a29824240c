// dns_sd_configs: targets from DNS records, as Prometheus' discovery/dns.
// Each name is one group (source = the name). SRV records give host:port;
// A, AAAA, MX and NS records give address-or-host:port with the configured
// port. Every target carries __meta_dns_name and the record meta labels
// (__meta_dns_srv_record_target/_port, __meta_dns_mx_record_target,
// __meta_dns_ns_record_target), empty where the record type has none.
// A name that fails to resolve keeps its last group; one that does not exist
// (NXDOMAIN) yields an empty group, which removes it.
// Thread-safety: Refresh and Run must not run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scrape/discovery/discoverer.h"
#include "scrape/discovery/dns_lookup.h"

namespace cairn::scrape::discovery {

struct DnsSdConfig {
  std::vector<std::string> names;
  int64_t refresh_interval_ms = 30 * 1000;
  std::string type = "SRV";  // A, AAAA, SRV, MX or NS, any case
  int64_t port = 0;          // required for every type but SRV

  friend bool operator==(const DnsSdConfig&, const DnsSdConfig&) = default;
};

// Parses one dns_sd_configs entry: "DNS-SD config must contain at least one
// SRV record name", "a port is required in DNS-SD configs for all record
// types except SRV", "invalid DNS-SD records type X".
Result<DnsSdConfig> ParseDnsSdConfig(const YAML::Node& node);

class DnsDiscoverer final : public Discoverer {
 public:
  // Precondition: `config` came from ParseDnsSdConfig (its type is valid).
  DnsDiscoverer(DnsSdConfig config, DnsOptions options);

  // Looks every name up in turn; errors name the names that failed.
  RefreshResult Refresh(std::stop_token stop = {});

  void Run(std::stop_token stop, DiscoverySink& sink) override;

 private:
  const DnsSdConfig config_;
  const DnsOptions options_;
  DnsType type_;
};

}  // namespace cairn::scrape::discovery
