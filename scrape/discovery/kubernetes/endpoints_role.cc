// Endpoints role (Prometheus' discovery/kubernetes/endpoints.go).
#include "scrape/discovery/kubernetes/meta_labels.h"
#include "scrape/discovery/kubernetes/pod_join.h"
#include "scrape/discovery/kubernetes/roles.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

std::string Meta(std::string_view suffix) { return std::string(kMetaPrefix) + std::string(suffix); }

}  // namespace

std::string EndpointsSource(const std::string& ns, const std::string& name) { return "endpoints/" + ns + "/" + name; }

TargetGroup BuildEndpointsGroup(const Endpoints& eps, const ObjectIndex& index, const JoinOptions& options) {
  TargetGroup tg{EndpointsSource(eps.meta.namespace_, eps.meta.name), {}, {}};
  LabelMap group{{std::string(kNamespaceLabel), eps.meta.namespace_}};
  if (const Service* svc = index.FindService(eps.meta.Key())) Merge(group, ServiceLabels(*svc));
  AddObjectMetaLabels(group, eps.meta, "endpoints");
  tg.labels = ToLabels(group);

  PodJoin pods;
  const auto add = [&](const EndpointAddress& addr, const EndpointPort& port, const char* ready) {
    LabelMap t{
        {std::string(kAddressLabel), JoinHostPort(addr.ip, port.port)},
        {Meta("endpoint_port_name"), port.name},
        {Meta("endpoint_port_protocol"), port.protocol},
        {Meta("endpoint_ready"), ready},
    };
    if (addr.target_ref) {
      t[Meta("endpoint_address_target_kind")] = addr.target_ref->kind;
      t[Meta("endpoint_address_target_name")] = addr.target_ref->name;
    }
    if (addr.node_name) t[Meta("endpoint_node_name")] = *addr.node_name;
    if (!addr.hostname.empty()) t[Meta("endpoint_hostname")] = addr.hostname;
    if (options.attach_node) {
      if (addr.node_name) {
        AddNodeLabels(t, index, addr.node_name);
      } else if (addr.target_ref && addr.target_ref->kind == "Node") {
        AddNodeLabels(t, index, addr.target_ref->name);
      }
    }
    if (const Pod* pod = ResolvePodRef(index, addr.target_ref)) pods.Join(t, *pod, port.port, port.protocol);
    tg.targets.push_back(ToLabels(t));
  };
  for (const auto& subset : eps.subsets) {
    for (const auto& port : subset.ports) {
      for (const auto& addr : subset.addresses) add(addr, port, "true");
      for (const auto& addr : subset.not_ready_addresses) add(addr, port, "false");
    }
  }
  pods.AppendUncoveredPorts(tg.targets);
  return tg;
}

}  // namespace cairn::scrape::discovery::kubernetes
