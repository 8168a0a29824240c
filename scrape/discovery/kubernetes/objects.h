// The parts of Kubernetes API objects (core/v1 Node, Service, Pod, Endpoints
// and discovery.k8s.io/v1 EndpointSlice) that Prometheus' kubernetes SD reads,
// decoded from the API server's JSON. Fields Prometheus treats as optional
// pointers (EndpointSlice ports, conditions, ...) are std::optional here, so
// "absent" and "empty" stay apart as they do upstream.
// Thread-safety: plain values; the decoders are pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "util/status.h"

namespace cairn::scrape::discovery::kubernetes {

struct OwnerReference {
  std::string kind;
  std::string name;
  bool controller = false;
};

struct ObjectMeta {
  std::string name;
  std::string namespace_;  // empty for cluster-scoped objects (nodes)
  std::string uid;
  std::string resource_version;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<OwnerReference> owner_references;

  // The store key: "<namespace>/<name>", or the name alone when cluster-scoped.
  std::string Key() const { return namespace_.empty() ? name : namespace_ + "/" + name; }
};

struct NodeAddress {
  std::string type;  // InternalIP, ExternalIP, Hostname, ...
  std::string address;
};

struct Node {
  ObjectMeta meta;
  std::string provider_id;
  std::vector<std::pair<std::string, std::string>> conditions;  // (type, status)
  std::vector<NodeAddress> addresses;
  int64_t kubelet_port = 0;
};

struct ServicePort {
  std::string name;
  int64_t port = 0;
  std::string protocol;
};

struct Service {
  ObjectMeta meta;
  std::string type;  // ClusterIP, NodePort, LoadBalancer, ExternalName
  std::string cluster_ip;
  std::string external_name;
  std::string load_balancer_ip;                   // spec.loadBalancerIP
  std::vector<std::string> ingress_ips;           // status.loadBalancer.ingress[].ip, non-empty ones
  std::optional<std::string> ip_family_policy;    // spec.ipFamilyPolicy
  std::vector<std::string> ip_families;           // spec.ipFamilies
  std::vector<ServicePort> ports;
};

struct ContainerPort {
  std::string name;
  int64_t container_port = 0;
  std::string protocol;
};

struct Container {
  std::string name;
  std::string image;
  std::vector<ContainerPort> ports;
};

struct Pod {
  ObjectMeta meta;
  std::string node_name;
  std::vector<Container> containers;
  std::vector<Container> init_containers;
  std::string pod_ip;
  std::string host_ip;
  std::string phase;
  std::optional<std::string> ready_status;  // status of the "Ready" condition
  std::map<std::string, std::string> container_ids;       // container name -> containerID
  std::map<std::string, std::string> init_container_ids;  // init container name -> containerID
};

struct ObjectReference {
  std::string kind;
  std::string namespace_;
  std::string name;
};

struct EndpointAddress {
  std::string ip;
  std::string hostname;
  std::optional<std::string> node_name;
  std::optional<ObjectReference> target_ref;
};

struct EndpointPort {
  std::string name;
  int64_t port = 0;
  std::string protocol;
};

struct EndpointSubset {
  std::vector<EndpointAddress> addresses;
  std::vector<EndpointAddress> not_ready_addresses;
  std::vector<EndpointPort> ports;
};

struct Endpoints {
  ObjectMeta meta;
  std::vector<EndpointSubset> subsets;
};

struct SliceEndpoint {
  std::vector<std::string> addresses;
  std::optional<bool> ready, serving, terminating;
  std::optional<std::string> hostname;
  std::optional<ObjectReference> target_ref;
  std::optional<std::string> node_name;
  std::optional<std::string> zone;
  std::map<std::string, std::string> deprecated_topology;
};

struct SlicePort {
  std::optional<std::string> name;
  std::optional<int64_t> port;
  std::optional<std::string> protocol;
  std::optional<std::string> app_protocol;
};

struct EndpointSlice {
  ObjectMeta meta;
  std::string address_type;  // IPv4, IPv6, FQDN
  std::vector<SliceEndpoint> endpoints;
  std::vector<SlicePort> ports;
};

// One decoded API object of any kind the discoverer watches.
using Object = std::variant<Node, Service, Pod, Endpoints, EndpointSlice>;

// The kinds, and their API collection paths.
enum class Kind { kNode, kService, kPod, kEndpoints, kEndpointSlice };

// "/api/v1/pods" or "/api/v1/namespaces/<ns>/pods" (nodes ignore `ns`).
std::string CollectionPath(Kind kind, const std::string& ns);

// Decodes one object of `kind` from its JSON (a YAML node). Errors
// (InvalidArgument) name the field whose shape is wrong.
Result<Object> DecodeObject(Kind kind, const YAML::Node& node);

// The metadata of any object.
const ObjectMeta& MetaOf(const Object& object);

}  // namespace cairn::scrape::discovery::kubernetes
