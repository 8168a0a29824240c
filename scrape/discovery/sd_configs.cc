#include "scrape/discovery/sd_configs.h"

#include <string>

#include "scrape/discovery/static_discoverer.h"
#include "scrape/discovery/yaml_util.h"

namespace cairn::scrape::discovery {
namespace {

// Prometheus' other discovery mechanisms: named so a config using one fails
// with a clear message instead of an unknown-field error.
constexpr std::string_view kUnsupportedKeys[] = {
    "azure_sd_configs",     "consul_sd_configs",    "digitalocean_sd_configs", "docker_sd_configs",
    "dockerswarm_sd_configs", "ec2_sd_configs",     "eureka_sd_configs",       "gce_sd_configs",
    "hetzner_sd_configs",   "ionos_sd_configs",     "kuma_sd_configs",
    "lightsail_sd_configs", "linode_sd_configs",    "marathon_sd_configs",     "nerve_sd_configs",
    "nomad_sd_configs",     "openstack_sd_configs", "ovhcloud_sd_configs",     "puppetdb_sd_configs",
    "scaleway_sd_configs",  "serverset_sd_configs", "stackit_sd_configs",      "triton_sd_configs",
    "uyuni_sd_configs",     "vultr_sd_configs",
};

template <typename Config, typename Parse>
Status ParseList(const YAML::Node& map, const char* key, Parse parse, std::vector<Config>* out) {
  const YAML::Node list = map[key];
  if (!list || list.IsNull()) return Status::OK();
  if (!list.IsSequence()) return Status::InvalidArgument(At(list) + key + " must be a list");
  for (const auto& item : list) {
    if (item.IsNull() || (item.IsMap() && item.size() == 0)) {
      // An implicit null ("- " alone) has no useful mark of its own.
      return Status::InvalidArgument(At(item.IsNull() ? list : item) + "empty or null section in " + key);
    }
    auto cfg = parse(item);
    if (!cfg.ok()) return cfg.status();
    out->push_back(std::move(cfg).value());
  }
  return Status::OK();
}

}  // namespace

bool IsSdConfigKey(std::string_view key) {
  return key == "static_configs" || key == "file_sd_configs" || key == "http_sd_configs" || key == "dns_sd_configs" ||
         key == "kubernetes_sd_configs";
}

Result<SdConfigs> ParseSdConfigs(const YAML::Node& scrape_config) {
  SdConfigs out;
  if (!scrape_config.IsMap()) return Status::InvalidArgument(At(scrape_config) + "a scrape config must be a map");
  for (const auto& kv : scrape_config) {
    const std::string key = kv.first.Scalar();
    for (std::string_view k : kUnsupportedKeys) {
      if (k == key) return Status::Unsupported(At(kv.first) + key + " is not supported by Cairn");
    }
  }
  CAIRN_RETURN_IF_ERROR(ParseList(scrape_config, "dns_sd_configs", ParseDnsSdConfig, &out.dns));
  CAIRN_RETURN_IF_ERROR(ParseList(scrape_config, "file_sd_configs", ParseFileSdConfig, &out.file));
  CAIRN_RETURN_IF_ERROR(ParseList(scrape_config, "http_sd_configs", ParseHttpSdConfig, &out.http));
  CAIRN_RETURN_IF_ERROR(ParseList(scrape_config, "kubernetes_sd_configs", kubernetes::ParseKubernetesSdConfig,
                                  &out.kubernetes));
  auto groups = ParseStaticConfigs(scrape_config["static_configs"]);
  if (!groups.ok()) return groups.status();
  out.static_groups = std::move(groups).value();
  return out;
}

std::vector<std::unique_ptr<Discoverer>> NewDiscoverers(const SdConfigs& configs, const DiscovererOptions& options) {
  std::vector<std::unique_ptr<Discoverer>> out;
  for (const auto& c : configs.dns) out.push_back(std::make_unique<DnsDiscoverer>(c, options.dns));
  for (const auto& c : configs.file) out.push_back(std::make_unique<FileDiscoverer>(c));
  for (const auto& c : configs.http) out.push_back(std::make_unique<HttpDiscoverer>(c));
  for (const auto& c : configs.kubernetes) {
    out.push_back(std::make_unique<kubernetes::KubernetesDiscoverer>(c, options.kubernetes));
  }
  if (!configs.static_groups.empty()) out.push_back(std::make_unique<StaticDiscoverer>(configs.static_groups));
  return out;
}

}  // namespace cairn::scrape::discovery
