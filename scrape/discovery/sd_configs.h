// SdConfigs: the service-discovery sections of one scrape_config (or of an
// alerting config): static_configs, file_sd_configs, http_sd_configs,
// dns_sd_configs and kubernetes_sd_configs, parsed with Prometheus' defaults
// and checks, and turned into running Discoverers. The scrape config parser hands each
// scrape_config map here and owns the other keys.
// Thread-safety: plain values and pure functions.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scrape/discovery/discoverer.h"
#include "scrape/discovery/dns_discoverer.h"
#include "scrape/discovery/file_discoverer.h"
#include "scrape/discovery/http_discoverer.h"
#include "scrape/discovery/kubernetes/kubernetes_discoverer.h"

namespace cairn::scrape::discovery {

struct SdConfigs {
  std::vector<DnsSdConfig> dns;
  std::vector<FileSdConfig> file;
  std::vector<HttpSdConfig> http;
  std::vector<kubernetes::KubernetesSdConfig> kubernetes;
  // Every static_configs entry, sources "0", "1", ...: one provider.
  std::vector<TargetGroup> static_groups;

  friend bool operator==(const SdConfigs&, const SdConfigs&) = default;
};

// True for the keys ParseSdConfigs reads (so the caller can reject the rest).
bool IsSdConfigKey(std::string_view key);

// Reads the discovery keys of a scrape_config map and ignores the others.
// Errors carry the line: "empty or null section in file_sd_configs", each
// provider's own validation messages, and "<x>_sd_configs is not supported by
// Cairn" for Prometheus mechanisms Cairn lacks (consul, ec2, ...).
Result<SdConfigs> ParseSdConfigs(const YAML::Node& scrape_config);

struct DiscovererOptions {
  DnsOptions dns;  // resolver for dns_sd_configs
  kubernetes::KubernetesOptions kubernetes;  // in-cluster environment, watch timeouts
};

// One Discoverer per provider: each dns, file, http and kubernetes config, then one for
// all static groups (Prometheus' order). A job with no discovery at all gets
// none; the Manager still lists it.
std::vector<std::unique_ptr<Discoverer>> NewDiscoverers(const SdConfigs& configs, const DiscovererOptions& options);

}  // namespace cairn::scrape::discovery
