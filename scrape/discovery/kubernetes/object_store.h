// ObjectStore: what the kubernetes discoverer knows of each watched
// collection, kept by the one thread that consumes informer events, and the
// ObjectIndex the role translators look related objects up in.
// Thread-safety: none; one thread owns it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "scrape/discovery/kubernetes/informer.h"
#include "scrape/discovery/kubernetes/roles.h"

namespace cairn::scrape::discovery::kubernetes {

class ObjectStore final : public ObjectIndex {
 public:
  explicit ObjectStore(std::vector<InformerSpec> specs);

  // Applies one informer event (kError is ignored). A kSynced event replaces
  // that informer's objects. Returns the keys whose object changed or went.
  std::vector<std::string> Apply(const InformerEvent& event);

  // True once every informer has listed at least once.
  bool AllSynced() const;

  const InformerSpec& spec(size_t informer) const { return specs_[informer]; }
  // Every object of `kind` across informers, keyed by Key().
  std::vector<const Object*> All(Kind kind) const;
  const Object* Find(Kind kind, const std::string& key) const;

  const Service* FindService(const std::string& key) const override;
  const Pod* FindPod(const std::string& key) const override;
  const Node* FindNode(const std::string& name) const override;

 private:
  std::vector<InformerSpec> specs_;
  std::vector<std::map<std::string, Object>> objects_;  // per informer
  std::vector<bool> synced_;
};

}  // namespace cairn::scrape::discovery::kubernetes
