#include "scrape/discovery/kubernetes/pod_join.h"

#include <algorithm>

namespace cairn::scrape::discovery::kubernetes {
namespace {

std::string Meta(std::string_view suffix) { return std::string(kMetaPrefix) + std::string(suffix); }

}  // namespace

const Pod* ResolvePodRef(const ObjectIndex& index, const std::optional<ObjectReference>& ref) {
  if (!ref || ref->kind != "Pod") return nullptr;
  return index.FindPod(ref->namespace_ + "/" + ref->name);
}

void PodJoin::Join(LabelMap& target, const Pod& pod, std::optional<int64_t> port,
                   const std::optional<std::string>& port_protocol) {
  auto it = std::find_if(pods_.begin(), pods_.end(), [&](const Entry& e) { return e.pod->meta.Key() == pod.meta.Key(); });
  if (it == pods_.end()) it = pods_.insert(pods_.end(), Entry{&pod, {}});
  Merge(target, PodLabels(pod));

  const size_t regular = pod.containers.size();
  bool matched = false;
  for (size_t i = 0; port && !matched && i < regular + pod.init_containers.size(); ++i) {
    const bool is_init = i >= regular;
    const Container& c = is_init ? pod.init_containers[i - regular] : pod.containers[i];
    for (const auto& cport : c.ports) {
      if (cport.container_port != *port) continue;
      target[Meta("pod_container_name")] = c.name;
      target[Meta("pod_container_image")] = c.image;
      target[Meta("pod_container_port_name")] = cport.name;
      target[Meta("pod_container_port_number")] = std::to_string(*port);
      target[Meta("pod_container_port_protocol")] = port_protocol.value_or(cport.protocol);
      target[Meta("pod_container_init")] = is_init ? "true" : "false";
      matched = true;
      break;
    }
  }
  if (port) it->covered_ports.push_back(*port);
}

void PodJoin::AppendUncoveredPorts(std::vector<storage::Labels>& targets) const {
  for (const Entry& e : pods_) {
    const Pod& pod = *e.pod;
    if (pod.pod_ip.empty()) continue;  // starting or evicted
    const size_t regular = pod.containers.size();
    for (size_t i = 0; i < regular + pod.init_containers.size(); ++i) {
      const bool is_init = i >= regular;
      const Container& c = is_init ? pod.init_containers[i - regular] : pod.containers[i];
      for (const auto& cport : c.ports) {
        if (std::find(e.covered_ports.begin(), e.covered_ports.end(), cport.container_port) != e.covered_ports.end()) {
          continue;
        }
        LabelMap t{
            {std::string(kAddressLabel), JoinHostPort(pod.pod_ip, cport.container_port)},
            {Meta("pod_container_name"), c.name},
            {Meta("pod_container_image"), c.image},
            {Meta("pod_container_port_name"), cport.name},
            {Meta("pod_container_port_number"), std::to_string(cport.container_port)},
            {Meta("pod_container_port_protocol"), cport.protocol},
            {Meta("pod_container_init"), is_init ? "true" : "false"},
        };
        Merge(t, PodLabels(pod));
        targets.push_back(ToLabels(t));
      }
    }
  }
}

}  // namespace cairn::scrape::discovery::kubernetes
