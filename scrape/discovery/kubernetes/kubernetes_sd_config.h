// kubernetes_sd_configs: one entry of a scrape_config's Kubernetes service
// discovery, parsed and checked as Prometheus' discovery/kubernetes SDConfig
// (kubernetes.go, UnmarshalYAML), with its error messages.
//
// Where the API server is: `api_server` (with the inlined HTTP client
// options: basic_auth, authorization/bearer_token, tls_config), or
// `kubeconfig_file`, or, with neither, the pod's in-cluster service account
// (see api_connection.h). Cairn implements the roles node, service, pod,
// endpoints and endpointslice; `role: ingress` and attach_metadata other than
// `node` are recognised and fail with Unsupported.
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scrape/http/http_config.h"
#include "util/status.h"

namespace cairn::scrape::discovery::kubernetes {

enum class Role { kNode, kService, kPod, kEndpoints, kEndpointSlice };

// "node", "service", "pod", "endpoints", "endpointslice".
std::string_view RoleName(Role role);

struct Selector {
  Role role = Role::kPod;
  std::string label;  // a Kubernetes label selector, sent as labelSelector
  std::string field;  // a Kubernetes field selector, sent as fieldSelector
};

struct KubernetesSdConfig {
  Role role = Role::kPod;
  std::string api_server;       // empty: kubeconfig_file or in-cluster
  std::string kubeconfig_file;  // joined to the config file's directory by SetDirectory
  http::HttpClientConfig http_client;
  bool own_namespace = false;              // namespaces.own_namespace
  std::vector<std::string> namespaces;     // namespaces.names; none means all
  std::vector<Selector> selectors;         // at most one per role
  bool attach_node_metadata = false;       // attach_metadata.node

  // The entry as written and the directory it is relative to: two configs
  // are the same when both are (HttpClientConfig has no equality).
  std::string source_yaml;
  std::string directory;

  // The selector for objects of `role`, or null.
  const Selector* SelectorFor(Role role) const;

  friend bool operator==(const KubernetesSdConfig& a, const KubernetesSdConfig& b) {
    return a.source_yaml == b.source_yaml && a.directory == b.directory;
  }
};

// Parses one kubernetes_sd_configs entry. Errors (InvalidArgument) are
// Prometheus': "role missing (one of: pod, service, endpoints, endpointslice,
// node, ingress)", `unknown Kubernetes SD role "x"`, "cannot use
// 'kubeconfig_file' and 'api_server' simultaneously", "to use custom HTTP
// client configuration please provide the 'api_server' URL explicitly",
// "duplicated selector role: pod", "service role supports only service
// selectors", ...; Unsupported for what Cairn lacks (role ingress,
// attach_metadata namespace/deployment/job/cronjob, oauth2, proxies).
Result<KubernetesSdConfig> ParseKubernetesSdConfig(const YAML::Node& node);

// Makes kubeconfig_file and the HTTP client's *_file paths relative to
// `dir` (the config file's directory), as Prometheus' SetDirectory does.
void SetDirectory(KubernetesSdConfig& config, const std::string& dir);

}  // namespace cairn::scrape::discovery::kubernetes
