#include "scrape/discovery/dns_discoverer.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "scrape/discovery/refresh_loop.h"
#include "scrape/discovery/yaml_util.h"

namespace cairn::scrape::discovery {
namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::optional<DnsType> TypeOf(const std::string& name) {
  const std::string t = Upper(name);
  if (t == "SRV") return DnsType::kSRV;
  if (t == "A") return DnsType::kA;
  if (t == "AAAA") return DnsType::kAAAA;
  if (t == "MX") return DnsType::kMX;
  if (t == "NS") return DnsType::kNS;
  return std::nullopt;
}

// Go's net.JoinHostPort: brackets around hosts with a colon.
std::string JoinHostPort(const std::string& host, int64_t port) {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::string TrimDot(std::string s) {
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

Result<DnsSdConfig> ParseDnsSdConfig(const YAML::Node& node) {
  DnsSdConfig cfg;
  if (!node.IsMap()) return Status::InvalidArgument(At(node) + "dns_sd_configs entries must be maps");
  CAIRN_RETURN_IF_ERROR(CheckKnownKeys(node, {"names", "refresh_interval", "type", "port"}, "dns.plain"));
  CAIRN_RETURN_IF_ERROR(ReadStringList(node, "names", &cfg.names));
  CAIRN_RETURN_IF_ERROR(ReadDurationMs(node, "refresh_interval", &cfg.refresh_interval_ms));
  CAIRN_RETURN_IF_ERROR(ReadString(node, "type", &cfg.type));
  CAIRN_RETURN_IF_ERROR(ReadInt(node, "port", &cfg.port));
  if (cfg.names.empty()) {
    return Status::InvalidArgument(At(node) + "DNS-SD config must contain at least one SRV record name");
  }
  const auto type = TypeOf(cfg.type);
  if (!type) return Status::InvalidArgument(At(node) + "invalid DNS-SD records type " + cfg.type);
  if (*type != DnsType::kSRV && cfg.port == 0) {
    return Status::InvalidArgument(At(node) + "a port is required in DNS-SD configs for all record types except SRV");
  }
  return cfg;
}

DnsDiscoverer::DnsDiscoverer(DnsSdConfig config, DnsOptions options)
    : config_(std::move(config)), options_(std::move(options)), type_(TypeOf(config_.type).value_or(DnsType::kSRV)) {}

RefreshResult DnsDiscoverer::Refresh(std::stop_token stop) {
  RefreshResult result;
  for (const std::string& name : config_.names) {
    auto records = DnsLookup(name, type_, options_, stop);
    if (!records.ok()) {
      result.errors.push_back(records.status());
      continue;
    }
    TargetGroup group{name, {}, {}};
    for (const DnsRecord& r : *records) {
      std::string address, srv_target, srv_port, mx_target, ns_target;
      switch (type_) {
        case DnsType::kSRV:
          srv_target = r.target;
          srv_port = std::to_string(r.port);
          address = JoinHostPort(TrimDot(r.target), r.port);
          break;
        case DnsType::kMX:
          mx_target = r.target;
          address = JoinHostPort(TrimDot(r.target), config_.port);
          break;
        case DnsType::kNS:
          ns_target = r.target;
          address = JoinHostPort(TrimDot(r.target), config_.port);
          break;
        case DnsType::kA:
        case DnsType::kAAAA:
          address = JoinHostPort(r.target, config_.port);
          break;
      }
      group.targets.push_back(storage::Labels::FromUnsorted({
          {std::string(kAddressLabel), address},
          {"__meta_dns_name", name},
          {"__meta_dns_srv_record_target", srv_target},
          {"__meta_dns_srv_record_port", srv_port},
          {"__meta_dns_mx_record_target", mx_target},
          {"__meta_dns_ns_record_target", ns_target},
      }));
    }
    result.groups.push_back(std::move(group));
  }
  return result;
}

void DnsDiscoverer::Run(std::stop_token stop, DiscoverySink& sink) {
  RunRefreshLoop(stop, "dns", config_.refresh_interval_ms, [this](std::stop_token s) { return Refresh(s); }, sink);
}

}  // namespace cairn::scrape::discovery
