// Node role (Prometheus' discovery/kubernetes/node.go).
#include <map>
#include <vector>

#include "scrape/discovery/kubernetes/meta_labels.h"
#include "scrape/discovery/kubernetes/roles.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

// The address types in the order Prometheus' nodeAddress prefers them.
constexpr std::string_view kAddressPreference[] = {"InternalIP",   "InternalDNS", "ExternalIP",
                                                   "ExternalDNS",  "LegacyHostIP", "Hostname"};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string NodeSource(const std::string& name) { return "node/" + name; }

std::optional<TargetGroup> BuildNodeGroup(const Node& node) {
  // The first address of each type, in the API's order.
  std::map<std::string, std::string> first;
  for (const auto& a : node.addresses) first.emplace(a.type, a.address);
  const std::string* address = nullptr;
  for (std::string_view type : kAddressPreference) {
    if (auto it = first.find(std::string(type)); it != first.end()) {
      address = &it->second;
      break;
    }
  }
  if (address == nullptr) return std::nullopt;

  LabelMap group{{std::string(kMetaPrefix) + "node_provider_id", node.provider_id}};
  for (const auto& [type, status] : node.conditions) {
    group[std::string(kMetaPrefix) + "node_condition_" + SanitizeLabelName(Lower(type))] = Lower(status);
  }
  AddObjectMetaLabels(group, node.meta, "node");

  LabelMap target{{std::string(kAddressLabel), JoinHostPort(*address, node.kubelet_port)}, {"instance", node.meta.name}};
  for (const auto& [type, a] : first) {
    target[SanitizeLabelName(std::string(kMetaPrefix) + "node_address_" + type)] = a;
  }
  return TargetGroup{NodeSource(node.meta.name), {ToLabels(target)}, ToLabels(group)};
}

}  // namespace cairn::scrape::discovery::kubernetes
