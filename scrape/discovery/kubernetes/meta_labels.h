// Label building shared by the kubernetes_sd roles: the object-metadata
// labels (name, labels, annotations), the pod and service label sets that
// several roles join in, and the node labels of attach_metadata.node.
// Labels are collected in a LabelMap (later writes win, as Go's LabelSet
// assignments and Merge do) and turned into storage::Labels at the end.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "scrape/discovery/kubernetes/objects.h"
#include "scrape/discovery/kubernetes/roles.h"
#include "storage/labels.h"

namespace cairn::scrape::discovery::kubernetes {

using LabelMap = std::map<std::string, std::string>;

inline constexpr std::string_view kMetaPrefix = "__meta_kubernetes_";
inline constexpr std::string_view kNamespaceLabel = "__meta_kubernetes_namespace";

// Prometheus' strutil.SanitizeLabelName: every byte outside [a-zA-Z0-9_]
// becomes '_'.
std::string SanitizeLabelName(std::string_view name);

// net.JoinHostPort: brackets a host that contains ':'.
std::string JoinHostPort(std::string_view host, int64_t port);

// __meta_kubernetes_<role>_name, and per label/annotation the
// _label_<name>/_labelpresent_<name> and _annotation_<name>/
// _annotationpresent_<name> pairs. `role` is "node", "pod", "service",
// "endpoints" or "endpointslice".
void AddObjectMetaLabels(LabelMap& out, const ObjectMeta& meta, std::string_view role);

// The pod labels every role that resolves a pod attaches (ip, ready, phase,
// node name, host ip, uid, metadata, controller kind/name).
LabelMap PodLabels(const Pod& pod);

// The service labels (namespace and metadata) joined into endpoints groups.
LabelMap ServiceLabels(const Service& service);

// With a known node named `node_name`, adds its metadata labels.
void AddNodeLabels(LabelMap& out, const ObjectIndex& index, const std::optional<std::string>& node_name);

// Copies `from` over `into` (Go's LabelSet.Merge: `from` wins).
void Merge(LabelMap& into, const LabelMap& from);

storage::Labels ToLabels(const LabelMap& map);

}  // namespace cairn::scrape::discovery::kubernetes
