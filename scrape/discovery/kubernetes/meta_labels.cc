#include "scrape/discovery/kubernetes/meta_labels.h"

#include <cctype>
#include <vector>

namespace cairn::scrape::discovery::kubernetes {
namespace {

std::string Meta(std::string_view suffix) { return std::string(kMetaPrefix) + std::string(suffix); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string SanitizeLabelName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_') c = '_';
  }
  return out;
}

std::string JoinHostPort(std::string_view host, int64_t port) {
  const std::string p = std::to_string(port);
  if (host.find(':') != std::string_view::npos) return "[" + std::string(host) + "]:" + p;
  return std::string(host) + ":" + p;
}

void AddObjectMetaLabels(LabelMap& out, const ObjectMeta& meta, std::string_view role) {
  const std::string prefix = Meta(role);
  out[prefix + "_name"] = meta.name;
  for (const auto& [k, v] : meta.labels) {
    const std::string name = SanitizeLabelName(k);
    out[prefix + "_label_" + name] = v;
    out[prefix + "_labelpresent_" + name] = "true";
  }
  for (const auto& [k, v] : meta.annotations) {
    const std::string name = SanitizeLabelName(k);
    out[prefix + "_annotation_" + name] = v;
    out[prefix + "_annotationpresent_" + name] = "true";
  }
}

LabelMap PodLabels(const Pod& pod) {
  LabelMap ls{
      {Meta("pod_ip"), pod.pod_ip},
      {Meta("pod_ready"), Lower(pod.ready_status.value_or("Unknown"))},
      {Meta("pod_phase"), pod.phase},
      {Meta("pod_node_name"), pod.node_name},
      {Meta("pod_host_ip"), pod.host_ip},
      {Meta("pod_uid"), pod.meta.uid},
  };
  AddObjectMetaLabels(ls, pod.meta, "pod");
  for (const auto& ref : pod.meta.owner_references) {
    if (!ref.controller) continue;
    if (!ref.kind.empty()) ls[Meta("pod_controller_kind")] = ref.kind;
    if (!ref.name.empty()) ls[Meta("pod_controller_name")] = ref.name;
    break;
  }
  return ls;
}

LabelMap ServiceLabels(const Service& service) {
  LabelMap ls{{std::string(kNamespaceLabel), service.meta.namespace_}};
  AddObjectMetaLabels(ls, service.meta, "service");
  return ls;
}

void AddNodeLabels(LabelMap& out, const ObjectIndex& index, const std::optional<std::string>& node_name) {
  if (!node_name) return;
  const Node* node = index.FindNode(*node_name);
  if (node == nullptr) return;
  AddObjectMetaLabels(out, node->meta, "node");
}

void Merge(LabelMap& into, const LabelMap& from) {
  for (const auto& [k, v] : from) into[k] = v;
}

storage::Labels ToLabels(const LabelMap& map) {
  std::vector<storage::Label> labels;
  labels.reserve(map.size());
  for (const auto& [k, v] : map) labels.push_back({k, v});
  return storage::Labels::FromSorted(std::move(labels));
}

}  // namespace cairn::scrape::discovery::kubernetes
