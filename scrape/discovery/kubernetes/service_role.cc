// Service role (Prometheus' discovery/kubernetes/service.go).
#include "scrape/discovery/kubernetes/meta_labels.h"
#include "scrape/discovery/kubernetes/roles.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

std::string Meta(std::string_view suffix) { return std::string(kMetaPrefix) + std::string(suffix); }

// status.loadBalancer.ingress IPs joined by ",", else spec.loadBalancerIP.
std::string LoadBalancerIps(const Service& svc) {
  std::string out;
  for (const auto& ip : svc.ingress_ips) out += (out.empty() ? "" : ",") + ip;
  return out.empty() ? svc.load_balancer_ip : out;
}

}  // namespace

std::string ServiceSource(const std::string& ns, const std::string& name) { return "svc/" + ns + "/" + name; }

TargetGroup BuildServiceGroup(const Service& svc) {
  TargetGroup tg{ServiceSource(svc.meta.namespace_, svc.meta.name), {}, ToLabels(ServiceLabels(svc))};
  for (const auto& port : svc.ports) {
    LabelMap t{
        {std::string(kAddressLabel), JoinHostPort(svc.meta.name + "." + svc.meta.namespace_ + ".svc", port.port)},
        {Meta("service_port_name"), port.name},
        {Meta("service_port_number"), std::to_string(port.port)},
        {Meta("service_port_protocol"), port.protocol},
        {Meta("service_type"), svc.type},
    };
    if (svc.type == "ExternalName") {
      t[Meta("service_external_name")] = svc.external_name;
    } else {
      t[Meta("service_cluster_ip")] = svc.cluster_ip;
    }
    if (svc.type == "LoadBalancer") t[Meta("service_loadbalancer_ip")] = LoadBalancerIps(svc);
    tg.targets.push_back(ToLabels(t));
  }
  return tg;
}

}  // namespace cairn::scrape::discovery::kubernetes
