// EndpointSlice role (Prometheus' discovery/kubernetes/endpointslice.go).
#include "scrape/discovery/kubernetes/meta_labels.h"
#include "scrape/discovery/kubernetes/pod_join.h"
#include "scrape/discovery/kubernetes/roles.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

std::string Meta(std::string_view suffix) { return std::string(kMetaPrefix) + std::string(suffix); }

const char* Bool(bool b) { return b ? "true" : "false"; }

// A dual-stack service's slice of its secondary family: Prometheus emits the
// group without targets, so each endpoint is scraped once.
bool NonPrimaryIpFamilySlice(const Service* svc, const EndpointSlice& slice) {
  if (svc == nullptr || !svc->ip_family_policy) return false;
  if (*svc->ip_family_policy != "PreferDualStack" && *svc->ip_family_policy != "RequireDualStack") return false;
  if (svc->ip_families.empty()) return false;
  return slice.address_type != svc->ip_families[0];
}

}  // namespace

std::string EndpointSliceSource(const std::string& ns, const std::string& name) {
  return "endpointslice/" + ns + "/" + name;
}

TargetGroup BuildEndpointSliceGroup(const EndpointSlice& slice, const ObjectIndex& index, const JoinOptions& options) {
  TargetGroup tg{EndpointSliceSource(slice.meta.namespace_, slice.meta.name), {}, {}};
  LabelMap group{{std::string(kNamespaceLabel), slice.meta.namespace_},
                 {Meta("endpointslice_address_type"), slice.address_type}};
  AddObjectMetaLabels(group, slice.meta, "endpointslice");
  const Service* svc = nullptr;
  if (auto it = slice.meta.labels.find("kubernetes.io/service-name"); it != slice.meta.labels.end()) {
    svc = index.FindService(slice.meta.namespace_ + "/" + it->second);
    if (svc != nullptr) Merge(group, ServiceLabels(*svc));
  }
  tg.labels = ToLabels(group);
  if (NonPrimaryIpFamilySlice(svc, slice)) return tg;

  PodJoin pods;
  for (const auto& ep : slice.endpoints) {
    for (const auto& port : slice.ports) {
      for (const auto& addr : ep.addresses) {
        LabelMap t{{std::string(kAddressLabel), port.port ? JoinHostPort(addr, *port.port) : addr}};
        if (port.name) t[Meta("endpointslice_port_name")] = *port.name;
        if (port.protocol) t[Meta("endpointslice_port_protocol")] = *port.protocol;
        if (port.port) t[Meta("endpointslice_port")] = std::to_string(*port.port);
        if (port.app_protocol) t[Meta("endpointslice_port_app_protocol")] = *port.app_protocol;
        if (ep.ready) t[Meta("endpointslice_endpoint_conditions_ready")] = Bool(*ep.ready);
        if (ep.serving) t[Meta("endpointslice_endpoint_conditions_serving")] = Bool(*ep.serving);
        if (ep.terminating) t[Meta("endpointslice_endpoint_conditions_terminating")] = Bool(*ep.terminating);
        if (ep.hostname) t[Meta("endpointslice_endpoint_hostname")] = *ep.hostname;
        if (ep.target_ref) {
          t[Meta("endpointslice_address_target_kind")] = ep.target_ref->kind;
          t[Meta("endpointslice_address_target_name")] = ep.target_ref->name;
        }
        if (ep.node_name) t[Meta("endpointslice_endpoint_node_name")] = *ep.node_name;
        if (ep.zone) t[Meta("endpointslice_endpoint_zone")] = *ep.zone;
        for (const auto& [k, v] : ep.deprecated_topology) {
          const std::string name = SanitizeLabelName(k);
          t[Meta("endpointslice_endpoint_topology_") + name] = v;
          t[Meta("endpointslice_endpoint_topology_present_") + name] = "true";
        }
        if (options.attach_node) {
          if (ep.target_ref && ep.target_ref->kind == "Node") {
            AddNodeLabels(t, index, ep.target_ref->name);
          } else {
            AddNodeLabels(t, index, ep.node_name);
          }
        }
        if (const Pod* pod = ResolvePodRef(index, ep.target_ref)) pods.Join(t, *pod, port.port, std::nullopt);
        tg.targets.push_back(ToLabels(t));
      }
    }
  }
  pods.AppendUncoveredPorts(tg.targets);
  return tg;
}

}  // namespace cairn::scrape::discovery::kubernetes
