// KubernetesDiscoverer: kubernetes_sd_configs, as Prometheus'
// discovery/kubernetes Discovery. It resolves the API connection, starts one
// Informer thread per watched collection (the role's objects per namespace,
// and the services, pods and nodes a role joins in), keeps the objects, and
// turns them into target groups (roles.h):
//  - the first update, once every collection has been listed, carries every
//    group;
//  - then each change of a role object sends its group again (an empty group
//    when it is deleted); a change of a joined object (a service, pod or node)
//    sends the role groups whose content changed;
//  - list/watch failures are reported as RefreshFailed; groups stay.
// Thread-safety: Run is called once; the informers run on threads it owns
// and joins before returning.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "scrape/discovery/discoverer.h"
#include "scrape/discovery/kubernetes/api_connection.h"
#include "scrape/discovery/kubernetes/informer.h"
#include "scrape/discovery/kubernetes/kubernetes_sd_config.h"

namespace cairn::scrape::discovery::kubernetes {

struct KubernetesOptions {
  InClusterEnvironment in_cluster = InClusterEnvironment::FromProcess();
  InformerOptions informer;
  // Wait before trying again when the API connection cannot be set up.
  int64_t connect_retry_ms = 30 * 1000;
};

// The collections a config watches: its role's objects in each namespace,
// plus the joined kinds. `own_namespace` is the pod's namespace (in-cluster).
std::vector<InformerSpec> InformerSpecs(const KubernetesSdConfig& config, const std::string& own_namespace);

class KubernetesDiscoverer final : public Discoverer {
 public:
  KubernetesDiscoverer(KubernetesSdConfig config, KubernetesOptions options);

  void Run(std::stop_token stop, DiscoverySink& sink) override;

 private:
  const KubernetesSdConfig config_;
  const KubernetesOptions options_;
};

}  // namespace cairn::scrape::discovery::kubernetes
