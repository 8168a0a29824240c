#include "scrape/discovery/kubernetes/kubernetes_discoverer.h"

#include <set>
#include <thread>

#include "scrape/discovery/kubernetes/object_store.h"
#include "scrape/discovery/kubernetes/roles.h"
#include "scrape/discovery/refresh_loop.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

Kind PrimaryKind(Role role) {
  switch (role) {
    case Role::kNode:
      return Kind::kNode;
    case Role::kService:
      return Kind::kService;
    case Role::kPod:
      return Kind::kPod;
    case Role::kEndpoints:
      return Kind::kEndpoints;
    case Role::kEndpointSlice:
      return Kind::kEndpointSlice;
  }
  return Kind::kPod;
}

Role RoleOf(Kind kind) {
  switch (kind) {
    case Kind::kNode:
      return Role::kNode;
    case Kind::kService:
      return Role::kService;
    case Kind::kPod:
      return Role::kPod;
    case Kind::kEndpoints:
      return Role::kEndpoints;
    case Kind::kEndpointSlice:
      return Role::kEndpointSlice;
  }
  return Role::kPod;
}

// The source of the role object stored under `key` ("<ns>/<name>" or a node name).
std::string SourceFor(Role role, const std::string& key) {
  const size_t slash = key.find('/');
  const std::string ns = slash == std::string::npos ? "" : key.substr(0, slash);
  const std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  switch (role) {
    case Role::kNode:
      return NodeSource(key);
    case Role::kService:
      return ServiceSource(ns, name);
    case Role::kPod:
      return PodSource(ns, name);
    case Role::kEndpoints:
      return EndpointsSource(ns, name);
    case Role::kEndpointSlice:
      return EndpointSliceSource(ns, name);
  }
  return key;
}

std::optional<TargetGroup> Build(const Object& object, const ObjectIndex& index, const JoinOptions& join) {
  if (const auto* n = std::get_if<Node>(&object)) return BuildNodeGroup(*n);
  if (const auto* s = std::get_if<Service>(&object)) return BuildServiceGroup(*s);
  if (const auto* p = std::get_if<Pod>(&object)) return BuildPodGroup(*p, index, join);
  if (const auto* e = std::get_if<Endpoints>(&object)) return BuildEndpointsGroup(*e, index, join);
  return BuildEndpointSliceGroup(std::get<EndpointSlice>(object), index, join);
}

// The groups sent so far and what to send next, by source.
class GroupTracker {
 public:
  GroupTracker(Role role, const ObjectStore& store, JoinOptions join) : role_(role), store_(store), join_(join) {}

  // Rebuilds every group; queues those that differ from what was sent and
  // empty groups for sources that are gone.
  void RebuildAll() {
    std::map<std::string, TargetGroup> now;
    for (const Object* o : store_.All(PrimaryKind(role_))) {
      if (auto g = Build(*o, store_, join_)) now.emplace(g->source, std::move(*g));
    }
    for (const auto& [source, g] : sent_) {
      if (!now.count(source)) pending_.push_back(TargetGroup{source, {}, {}});
    }
    for (const auto& [source, g] : now) {
      auto it = sent_.find(source);
      if (it == sent_.end() || !(it->second == g)) pending_.push_back(g);
    }
    sent_ = std::move(now);
  }

  // Rebuilds the group of the role object under `key` (gone: an empty group).
  void Rebuild(const std::string& key) {
    const Object* o = store_.Find(PrimaryKind(role_), key);
    std::optional<TargetGroup> g;
    if (o != nullptr) g = Build(*o, store_, join_);
    if (!g) {
      const std::string source = SourceFor(role_, key);
      sent_.erase(source);
      pending_.push_back(TargetGroup{source, {}, {}});
      return;
    }
    auto it = sent_.find(g->source);
    if (it != sent_.end() && it->second == *g) return;
    pending_.push_back(*g);
    sent_.insert_or_assign(g->source, std::move(*g));
  }

  std::vector<TargetGroup> TakePending() { return std::exchange(pending_, {}); }

 private:
  const Role role_;
  const ObjectStore& store_;
  const JoinOptions join_;
  std::map<std::string, TargetGroup> sent_;
  std::vector<TargetGroup> pending_;
};

}  // namespace

std::vector<InformerSpec> InformerSpecs(const KubernetesSdConfig& config, const std::string& own_namespace) {
  std::vector<std::string> namespaces = config.namespaces;
  if (config.own_namespace && !own_namespace.empty()) namespaces.push_back(own_namespace);
  if (namespaces.empty()) namespaces.push_back("");  // all namespaces

  const auto spec = [&](Kind kind, const std::string& ns) {
    InformerSpec s{kind, ns, "", ""};
    if (const Selector* sel = config.SelectorFor(RoleOf(kind))) {
      s.label_selector = sel->label;
      s.field_selector = sel->field;
    }
    return s;
  };
  std::vector<InformerSpec> out;
  const Kind primary = PrimaryKind(config.role);
  if (primary == Kind::kNode) return {spec(Kind::kNode, "")};
  for (const auto& ns : namespaces) {
    out.push_back(spec(primary, ns));
    if (primary == Kind::kEndpoints || primary == Kind::kEndpointSlice) {
      out.push_back(spec(Kind::kService, ns));
      out.push_back(spec(Kind::kPod, ns));
    }
  }
  if (config.attach_node_metadata && primary != Kind::kService) out.push_back(spec(Kind::kNode, ""));
  return out;
}

KubernetesDiscoverer::KubernetesDiscoverer(KubernetesSdConfig config, KubernetesOptions options)
    : config_(std::move(config)), options_(std::move(options)) {}

void KubernetesDiscoverer::Run(std::stop_token stop, DiscoverySink& sink) {
  Result<ApiConnection> conn = Connect(config_, options_.in_cluster);
  while (!conn.ok()) {
    sink.RefreshFailed(conn.status());
    if (!WaitFor(stop, options_.connect_retry_ms)) return;
    conn = Connect(config_, options_.in_cluster);
  }
  const std::vector<InformerSpec> specs = InformerSpecs(config_, conn->own_namespace);
  ObjectStore store(specs);
  EventQueue queue;
  std::vector<std::jthread> informers;
  for (size_t i = 0; i < specs.size(); ++i) {
    // The informers stop with `stop`; their threads are joined when Run returns.
    informers.emplace_back([&, i] { RunInformer(stop, *conn, specs[i], i, options_.informer, queue); });
  }

  const Kind primary = PrimaryKind(config_.role);
  GroupTracker groups(config_.role, store, JoinOptions{config_.attach_node_metadata});
  bool started = false;
  std::vector<InformerEvent> batch;
  while (queue.WaitPop(stop, &batch)) {
    bool rebuild_all = false;
    std::set<std::string> changed;
    for (const auto& e : batch) {
      if (e.type == InformerEvent::Type::kError) {
        sink.RefreshFailed(e.error);
        continue;
      }
      std::vector<std::string> keys = store.Apply(e);
      if (store.spec(e.informer).kind == primary && e.type != InformerEvent::Type::kSynced) {
        changed.insert(keys.begin(), keys.end());
      } else {
        rebuild_all = true;  // a relist, or a joined object that any group may show
      }
    }
    if (!store.AllSynced()) continue;
    if (!started || rebuild_all) {
      groups.RebuildAll();
    } else {
      for (const auto& key : changed) groups.Rebuild(key);
    }
    std::vector<TargetGroup> update = groups.TakePending();
    if (!started || !update.empty()) sink.Update(std::move(update));
    started = true;
  }
}

}  // namespace cairn::scrape::discovery::kubernetes
