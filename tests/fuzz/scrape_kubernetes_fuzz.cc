// Fuzzes kubernetes_sd's decoding and translation on arbitrary bytes: the
// first byte picks the kind (node, service, pod, endpoints, endpointslice);
// the rest is one object's JSON as the API server would send it. The object
// is decoded, stored (so pods and services join themselves where they can),
// and turned into its role's group with attach_metadata.node on. None may
// crash or trip a sanitizer; every target must carry an __address__.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scrape/discovery/kubernetes/object_store.h"
#include "scrape/discovery/kubernetes/objects.h"
#include "scrape/discovery/kubernetes/roles.h"
#include "scrape/discovery/yaml_util.h"

namespace k8s = cairn::scrape::discovery::kubernetes;
namespace sd = cairn::scrape::discovery;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto kind = static_cast<k8s::Kind>(data[0] % 5);
  auto doc = sd::LoadYaml(text);
  if (!doc.ok()) return 0;
  auto object = k8s::DecodeObject(kind, *doc);
  if (!object.ok()) return 0;

  std::vector<k8s::InformerSpec> specs;
  for (int k = 0; k < 5; ++k) specs.push_back({static_cast<k8s::Kind>(k), "", "", ""});
  k8s::ObjectStore store(specs);
  k8s::InformerEvent event;
  event.informer = static_cast<size_t>(kind);
  event.type = k8s::InformerEvent::Type::kSynced;
  event.objects.push_back(*object);
  (void)store.Apply(event);

  const k8s::JoinOptions join{true};
  std::optional<sd::TargetGroup> group;
  if (const auto* n = std::get_if<k8s::Node>(&*object)) group = k8s::BuildNodeGroup(*n);
  if (const auto* s = std::get_if<k8s::Service>(&*object)) group = k8s::BuildServiceGroup(*s);
  if (const auto* p = std::get_if<k8s::Pod>(&*object)) group = k8s::BuildPodGroup(*p, store, join);
  if (const auto* e = std::get_if<k8s::Endpoints>(&*object)) group = k8s::BuildEndpointsGroup(*e, store, join);
  if (const auto* e = std::get_if<k8s::EndpointSlice>(&*object)) group = k8s::BuildEndpointSliceGroup(*e, store, join);
  if (group) {
    for (const auto& t : group->targets) {
      if (!t.Has(sd::kAddressLabel)) std::abort();
    }
  }
  return 0;
}
