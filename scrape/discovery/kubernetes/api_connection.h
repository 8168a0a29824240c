// ApiConnection: where a kubernetes_sd config's API server is and how to talk
// to it, resolved when discovery starts (not at config load, so a config for
// a cluster loads anywhere), as upstream's New() does:
//  - api_server: that URL with the config's HTTP client options;
//  - kubeconfig_file: the file's current context (kubeconfig.h);
//  - neither: the pod's in-cluster service account, as client-go's
//    rest.InClusterConfig: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT,
//    the bearer token file (re-read on every request, so rotated tokens are
//    used) and the service account's CA.
// The in-cluster environment is a value so tests can point it elsewhere.
// Thread-safety: plain values; Connect is a pure function over env and files.
#pragma once

#include <memory>
#include <string>

#include "scrape/discovery/kubernetes/kubernetes_sd_config.h"
#include "scrape/http/client.h"
#include "scrape/http/url.h"

namespace cairn::scrape::discovery::kubernetes {

struct InClusterEnvironment {
  std::string service_host;  // $KUBERNETES_SERVICE_HOST
  std::string service_port;  // $KUBERNETES_SERVICE_PORT
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

  // The process environment's host and port, the standard paths.
  static InClusterEnvironment FromProcess();
};

struct ApiConnection {
  http::Url base;  // scheme, host, port; target is the path prefix, "/" for none
  std::shared_ptr<const http::Client> client;
  // The pod's namespace, when namespaces.own_namespace asked for it.
  std::string own_namespace;

  // base's path prefix joined with `path_and_query` ("/api/v1/pods?...").
  http::Url UrlFor(const std::string& path_and_query) const;
};

// Errors use client-go's and Prometheus' wording, e.g. "unable to load
// in-cluster configuration, KUBERNETES_SERVICE_HOST and
// KUBERNETES_SERVICE_PORT must be defined", "could not determine the pod's
// namespace: ...", and the http::Client's TLS errors.
Result<ApiConnection> Connect(const KubernetesSdConfig& config, const InClusterEnvironment& env);

}  // namespace cairn::scrape::discovery::kubernetes
