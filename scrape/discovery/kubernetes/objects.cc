#include "scrape/discovery/kubernetes/objects.h"

#include <charconv>

namespace cairn::scrape::discovery::kubernetes {
namespace {

// Reads fields of one JSON object, remembering the first shape error so the
// decoders below read like the Go structs they mirror. yaml-cpp's operator[]
// on a const node never throws; as<> is never called.
class Reader {
 public:
  explicit Reader(Status* error) : error_(error) {}

  std::string Str(const YAML::Node& n, const char* key) { return OptStr(n, key).value_or(""); }

  std::optional<std::string> OptStr(const YAML::Node& n, const char* key) {
    const YAML::Node v = Field(n, key);
    if (!v || v.IsNull()) return std::nullopt;
    if (!v.IsScalar()) return Fail<std::string>(key, "a string");
    return v.Scalar();
  }

  int64_t Int(const YAML::Node& n, const char* key) { return OptInt(n, key).value_or(0); }

  std::optional<int64_t> OptInt(const YAML::Node& n, const char* key) {
    const YAML::Node v = Field(n, key);
    if (!v || v.IsNull()) return std::nullopt;
    const std::string s = v.IsScalar() ? v.Scalar() : "";
    int64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return Fail<int64_t>(key, "an integer");
    return out;
  }

  std::optional<bool> OptBool(const YAML::Node& n, const char* key) {
    const YAML::Node v = Field(n, key);
    if (!v || v.IsNull()) return std::nullopt;
    if (v.IsScalar() && v.Scalar() == "true") return true;
    if (v.IsScalar() && v.Scalar() == "false") return false;
    return Fail<bool>(key, "a boolean");
  }

  std::map<std::string, std::string> StrMap(const YAML::Node& n, const char* key) {
    std::map<std::string, std::string> out;
    const YAML::Node v = Field(n, key);
    if (!v || v.IsNull()) return out;
    if (!v.IsMap()) return Fail<std::map<std::string, std::string>>(key, "an object").value_or(out);
    for (const auto& kv : v) {
      if (!kv.second.IsScalar() && !kv.second.IsNull()) {
        return Fail<std::map<std::string, std::string>>(key, "an object of strings").value_or(out);
      }
      out[kv.first.Scalar()] = kv.second.IsNull() ? "" : kv.second.Scalar();
    }
    return out;
  }

  // The items of a list field (none when absent or null).
  std::vector<YAML::Node> List(const YAML::Node& n, const char* key) {
    std::vector<YAML::Node> out;
    const YAML::Node v = Field(n, key);
    if (!v || v.IsNull()) return out;
    if (!v.IsSequence()) return Fail<std::vector<YAML::Node>>(key, "a list").value_or(out);
    for (const auto& item : v) out.push_back(item);
    return out;
  }

  // A nested object (an undefined node when absent).
  YAML::Node Obj(const YAML::Node& n, const char* key) {
    const YAML::Node v = Field(n, key);
    if (v && !v.IsNull() && !v.IsMap()) {
      Fail<int>(key, "an object");
      return YAML::Node(YAML::NodeType::Undefined);
    }
    return v;
  }

 private:
  static YAML::Node Field(const YAML::Node& n, const char* key) {
    if (!n || !n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    return n[key];
  }

  template <typename T>
  std::optional<T> Fail(const char* key, const char* want) {
    if (error_->ok()) *error_ = Status::InvalidArgument(std::string("field ") + key + " must be " + want);
    return std::nullopt;
  }

  Status* error_;
};

ObjectMeta DecodeMeta(Reader& r, const YAML::Node& obj) {
  const YAML::Node m = r.Obj(obj, "metadata");
  ObjectMeta meta;
  meta.name = r.Str(m, "name");
  meta.namespace_ = r.Str(m, "namespace");
  meta.uid = r.Str(m, "uid");
  meta.resource_version = r.Str(m, "resourceVersion");
  meta.labels = r.StrMap(m, "labels");
  meta.annotations = r.StrMap(m, "annotations");
  for (const auto& o : r.List(m, "ownerReferences")) {
    meta.owner_references.push_back({r.Str(o, "kind"), r.Str(o, "name"), r.OptBool(o, "controller").value_or(false)});
  }
  return meta;
}

std::optional<ObjectReference> DecodeRef(Reader& r, const YAML::Node& n, const char* key) {
  const YAML::Node ref = r.Obj(n, key);
  if (!ref || ref.IsNull()) return std::nullopt;
  return ObjectReference{r.Str(ref, "kind"), r.Str(ref, "namespace"), r.Str(ref, "name")};
}

Node DecodeNode(Reader& r, const YAML::Node& obj) {
  Node n;
  n.meta = DecodeMeta(r, obj);
  n.provider_id = r.Str(r.Obj(obj, "spec"), "providerID");
  const YAML::Node status = r.Obj(obj, "status");
  for (const auto& c : r.List(status, "conditions")) n.conditions.emplace_back(r.Str(c, "type"), r.Str(c, "status"));
  for (const auto& a : r.List(status, "addresses")) n.addresses.push_back({r.Str(a, "type"), r.Str(a, "address")});
  n.kubelet_port = r.Int(r.Obj(r.Obj(status, "daemonEndpoints"), "kubeletEndpoint"), "Port");
  return n;
}

Service DecodeService(Reader& r, const YAML::Node& obj) {
  Service s;
  s.meta = DecodeMeta(r, obj);
  const YAML::Node spec = r.Obj(obj, "spec");
  s.type = r.Str(spec, "type");
  s.cluster_ip = r.Str(spec, "clusterIP");
  s.external_name = r.Str(spec, "externalName");
  s.load_balancer_ip = r.Str(spec, "loadBalancerIP");
  s.ip_family_policy = r.OptStr(spec, "ipFamilyPolicy");
  for (const auto& f : r.List(spec, "ipFamilies")) s.ip_families.push_back(f.IsScalar() ? f.Scalar() : "");
  for (const auto& p : r.List(spec, "ports")) s.ports.push_back({r.Str(p, "name"), r.Int(p, "port"), r.Str(p, "protocol")});
  for (const auto& ing : r.List(r.Obj(r.Obj(obj, "status"), "loadBalancer"), "ingress")) {
    if (std::string ip = r.Str(ing, "ip"); !ip.empty()) s.ingress_ips.push_back(std::move(ip));
  }
  return s;
}

std::vector<Container> DecodeContainers(Reader& r, const YAML::Node& spec, const char* key) {
  std::vector<Container> out;
  for (const auto& c : r.List(spec, key)) {
    Container container{r.Str(c, "name"), r.Str(c, "image"), {}};
    for (const auto& p : r.List(c, "ports")) {
      container.ports.push_back({r.Str(p, "name"), r.Int(p, "containerPort"), r.Str(p, "protocol")});
    }
    out.push_back(std::move(container));
  }
  return out;
}

std::map<std::string, std::string> DecodeContainerIds(Reader& r, const YAML::Node& status, const char* key) {
  std::map<std::string, std::string> out;
  for (const auto& s : r.List(status, key)) out.emplace(r.Str(s, "name"), r.Str(s, "containerID"));
  return out;
}

Pod DecodePod(Reader& r, const YAML::Node& obj) {
  Pod p;
  p.meta = DecodeMeta(r, obj);
  const YAML::Node spec = r.Obj(obj, "spec");
  p.node_name = r.Str(spec, "nodeName");
  p.containers = DecodeContainers(r, spec, "containers");
  p.init_containers = DecodeContainers(r, spec, "initContainers");
  const YAML::Node status = r.Obj(obj, "status");
  p.pod_ip = r.Str(status, "podIP");
  p.host_ip = r.Str(status, "hostIP");
  p.phase = r.Str(status, "phase");
  for (const auto& c : r.List(status, "conditions")) {
    if (r.Str(c, "type") == "Ready") p.ready_status = r.Str(c, "status");
  }
  p.container_ids = DecodeContainerIds(r, status, "containerStatuses");
  p.init_container_ids = DecodeContainerIds(r, status, "initContainerStatuses");
  return p;
}

std::vector<EndpointAddress> DecodeAddresses(Reader& r, const YAML::Node& subset, const char* key) {
  std::vector<EndpointAddress> out;
  for (const auto& a : r.List(subset, key)) {
    out.push_back({r.Str(a, "ip"), r.Str(a, "hostname"), r.OptStr(a, "nodeName"), DecodeRef(r, a, "targetRef")});
  }
  return out;
}

Endpoints DecodeEndpoints(Reader& r, const YAML::Node& obj) {
  Endpoints e;
  e.meta = DecodeMeta(r, obj);
  for (const auto& s : r.List(obj, "subsets")) {
    EndpointSubset subset;
    subset.addresses = DecodeAddresses(r, s, "addresses");
    subset.not_ready_addresses = DecodeAddresses(r, s, "notReadyAddresses");
    for (const auto& p : r.List(s, "ports")) subset.ports.push_back({r.Str(p, "name"), r.Int(p, "port"), r.Str(p, "protocol")});
    e.subsets.push_back(std::move(subset));
  }
  return e;
}

EndpointSlice DecodeEndpointSlice(Reader& r, const YAML::Node& obj) {
  EndpointSlice s;
  s.meta = DecodeMeta(r, obj);
  s.address_type = r.Str(obj, "addressType");
  for (const auto& e : r.List(obj, "endpoints")) {
    SliceEndpoint ep;
    for (const auto& a : r.List(e, "addresses")) ep.addresses.push_back(a.IsScalar() ? a.Scalar() : "");
    const YAML::Node cond = r.Obj(e, "conditions");
    ep.ready = r.OptBool(cond, "ready");
    ep.serving = r.OptBool(cond, "serving");
    ep.terminating = r.OptBool(cond, "terminating");
    ep.hostname = r.OptStr(e, "hostname");
    ep.target_ref = DecodeRef(r, e, "targetRef");
    ep.node_name = r.OptStr(e, "nodeName");
    ep.zone = r.OptStr(e, "zone");
    ep.deprecated_topology = r.StrMap(e, "deprecatedTopology");
    s.endpoints.push_back(std::move(ep));
  }
  for (const auto& p : r.List(obj, "ports")) {
    s.ports.push_back({r.OptStr(p, "name"), r.OptInt(p, "port"), r.OptStr(p, "protocol"), r.OptStr(p, "appProtocol")});
  }
  return s;
}

}  // namespace

std::string CollectionPath(Kind kind, const std::string& ns) {
  const std::string core = ns.empty() ? "/api/v1/" : "/api/v1/namespaces/" + ns + "/";
  switch (kind) {
    case Kind::kNode:
      return "/api/v1/nodes";
    case Kind::kService:
      return core + "services";
    case Kind::kPod:
      return core + "pods";
    case Kind::kEndpoints:
      return core + "endpoints";
    case Kind::kEndpointSlice:
      return ns.empty() ? "/apis/discovery.k8s.io/v1/endpointslices"
                        : "/apis/discovery.k8s.io/v1/namespaces/" + ns + "/endpointslices";
  }
  return "";
}

Result<Object> DecodeObject(Kind kind, const YAML::Node& node) {
  if (!node.IsMap()) return Status::InvalidArgument("a Kubernetes object must be a JSON object");
  Status error;
  Reader r(&error);
  Object out;
  switch (kind) {
    case Kind::kNode:
      out = DecodeNode(r, node);
      break;
    case Kind::kService:
      out = DecodeService(r, node);
      break;
    case Kind::kPod:
      out = DecodePod(r, node);
      break;
    case Kind::kEndpoints:
      out = DecodeEndpoints(r, node);
      break;
    case Kind::kEndpointSlice:
      out = DecodeEndpointSlice(r, node);
      break;
  }
  if (!error.ok()) return error;
  return out;
}

const ObjectMeta& MetaOf(const Object& object) {
  return std::visit([](const auto& o) -> const ObjectMeta& { return o.meta; }, object);
}

}  // namespace cairn::scrape::discovery::kubernetes
