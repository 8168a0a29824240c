// The per-role translators of kubernetes_sd_configs: one Kubernetes object
// (plus the related objects it is joined with) to one target group, with the
// `__meta_kubernetes_*` labels, `__address__` values and sources Prometheus'
// discovery/kubernetes produces (node.go, service.go, pod.go, endpoints.go,
// endpointslice.go). Each role lives in its own <role>_role.cc.
// Thread-safety: pure functions; `index` is only read.
#pragma once

#include <optional>
#include <string>

#include "scrape/discovery/kubernetes/objects.h"
#include "scrape/discovery/target_group.h"

namespace cairn::scrape::discovery::kubernetes {

// The related objects a translator may look up: services and pods by
// "<namespace>/<name>", nodes by name. Null when unknown.
class ObjectIndex {
 public:
  virtual ~ObjectIndex() = default;
  virtual const Service* FindService(const std::string& key) const = 0;
  virtual const Pod* FindPod(const std::string& key) const = 0;
  virtual const Node* FindNode(const std::string& name) const = 0;
};

// What a translator joins in beyond the object itself.
struct JoinOptions {
  // attach_metadata.node: add the node's __meta_kubernetes_node_* labels
  // (pod, endpoints and endpointslice roles).
  bool attach_node = false;
};

// Sources, as Prometheus names them.
std::string NodeSource(const std::string& name);                          // node/<name>
std::string ServiceSource(const std::string& ns, const std::string& name);  // svc/<ns>/<name>
std::string PodSource(const std::string& ns, const std::string& name);      // pod/<ns>/<name>
std::string EndpointsSource(const std::string& ns, const std::string& name);      // endpoints/<ns>/<name>
std::string EndpointSliceSource(const std::string& ns, const std::string& name);  // endpointslice/<ns>/<name>

// Node role: one target at the first address among InternalIP, InternalDNS,
// ExternalIP, ExternalDNS, LegacyHostIP, Hostname and the kubelet port;
// nullopt when the node has none of these (Prometheus sends nothing then).
std::optional<TargetGroup> BuildNodeGroup(const Node& node);

// Service role: one target per port at <name>.<namespace>.svc:<port>.
TargetGroup BuildServiceGroup(const Service& service);

// Pod role: one target per container port (or one per port-less container
// at the pod IP). A pod without an IP, or, with attach_node, whose node is
// not known, gives an empty group.
TargetGroup BuildPodGroup(const Pod& pod, const ObjectIndex& index, const JoinOptions& options);

// Endpoints role: one target per (subset port, address), joined with the
// service of the same name and the pods the addresses point at; pod
// container ports no endpoint port covered become extra targets.
TargetGroup BuildEndpointsGroup(const Endpoints& endpoints, const ObjectIndex& index, const JoinOptions& options);

// EndpointSlice role: one target per (endpoint address, port), joined with
// the service named by the kubernetes.io/service-name label and the pods.
TargetGroup BuildEndpointSliceGroup(const EndpointSlice& slice, const ObjectIndex& index, const JoinOptions& options);

}  // namespace cairn::scrape::discovery::kubernetes
