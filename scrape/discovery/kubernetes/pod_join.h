// How the endpoints and endpointslice roles join pods into their targets:
// an endpoint address that points at a known pod gets the pod's labels and
// those of the container port it serves, and every container port of such a
// pod that no endpoint port covered becomes a target of its own (so a pod's
// metrics port is scraped even when the service does not expose it).
// Thread-safety: one PodJoin per group being built; not shared.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scrape/discovery/kubernetes/meta_labels.h"

namespace cairn::scrape::discovery::kubernetes {

// The pod an object reference names, when it is a Pod the index knows.
const Pod* ResolvePodRef(const ObjectIndex& index, const std::optional<ObjectReference>& ref);

class PodJoin {
 public:
  // Merges the pod's labels into `target` and, when a container port equals
  // `port`, that container's labels; the port's protocol label is
  // `port_protocol` when given (endpoints), else the container port's
  // (endpointslice). Records that `port` of the pod is covered.
  void Join(LabelMap& target, const Pod& pod, std::optional<int64_t> port,
            const std::optional<std::string>& port_protocol);

  // Targets for the container ports of the joined pods (with an IP) that no
  // endpoint port covered, pods in the order first joined.
  void AppendUncoveredPorts(std::vector<storage::Labels>& targets) const;

 private:
  struct Entry {
    const Pod* pod;
    std::vector<int64_t> covered_ports;
  };
  std::vector<Entry> pods_;
};

}  // namespace cairn::scrape::discovery::kubernetes
