// Pod role (Prometheus' discovery/kubernetes/pod.go).
#include "scrape/discovery/kubernetes/meta_labels.h"
#include "scrape/discovery/kubernetes/roles.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

std::string Meta(std::string_view suffix) { return std::string(kMetaPrefix) + std::string(suffix); }

std::string ContainerId(const std::map<std::string, std::string>& ids, const std::string& name) {
  auto it = ids.find(name);
  return it == ids.end() ? "" : it->second;
}

}  // namespace

std::string PodSource(const std::string& ns, const std::string& name) { return "pod/" + ns + "/" + name; }

TargetGroup BuildPodGroup(const Pod& pod, const ObjectIndex& index, const JoinOptions& options) {
  TargetGroup tg{PodSource(pod.meta.namespace_, pod.meta.name), {}, {}};
  if (pod.pod_ip.empty()) return tg;
  // With node metadata requested, Prometheus holds the pod back until its
  // node is known rather than emit it without the node's labels.
  if (options.attach_node && index.FindNode(pod.node_name) == nullptr) return tg;

  LabelMap group = PodLabels(pod);
  group[std::string(kNamespaceLabel)] = pod.meta.namespace_;
  if (options.attach_node) AddNodeLabels(group, index, pod.node_name);
  tg.labels = ToLabels(group);

  const size_t regular = pod.containers.size();
  for (size_t i = 0; i < regular + pod.init_containers.size(); ++i) {
    const bool is_init = i >= regular;
    const Container& c = is_init ? pod.init_containers[i - regular] : pod.containers[i];
    const std::string id = ContainerId(is_init ? pod.init_container_ids : pod.container_ids, c.name);
    if (c.ports.empty()) {
      tg.targets.push_back(ToLabels({
          {std::string(kAddressLabel), pod.pod_ip},
          {Meta("pod_container_name"), c.name},
          {Meta("pod_container_id"), id},
          {Meta("pod_container_image"), c.image},
          {Meta("pod_container_init"), is_init ? "true" : "false"},
      }));
      continue;
    }
    for (const auto& port : c.ports) {
      tg.targets.push_back(ToLabels({
          {std::string(kAddressLabel), JoinHostPort(pod.pod_ip, port.container_port)},
          {Meta("pod_container_name"), c.name},
          {Meta("pod_container_id"), id},
          {Meta("pod_container_image"), c.image},
          {Meta("pod_container_port_number"), std::to_string(port.container_port)},
          {Meta("pod_container_port_name"), port.name},
          {Meta("pod_container_port_protocol"), port.protocol},
          {Meta("pod_container_init"), is_init ? "true" : "false"},
      }));
    }
  }
  return tg;
}

}  // namespace cairn::scrape::discovery::kubernetes
