#include "scrape/discovery/kubernetes/object_store.h"

#include <algorithm>

namespace cairn::scrape::discovery::kubernetes {

ObjectStore::ObjectStore(std::vector<InformerSpec> specs)
    : specs_(std::move(specs)), objects_(specs_.size()), synced_(specs_.size(), false) {}

std::vector<std::string> ObjectStore::Apply(const InformerEvent& event) {
  std::vector<std::string> changed;
  auto& objects = objects_[event.informer];
  switch (event.type) {
    case InformerEvent::Type::kError:
      break;
    case InformerEvent::Type::kSynced: {
      std::map<std::string, Object> fresh;
      for (const auto& o : event.objects) fresh.emplace(MetaOf(o).Key(), o);
      for (const auto& [key, o] : objects) {
        if (!fresh.count(key)) changed.push_back(key);
      }
      for (const auto& [key, o] : fresh) changed.push_back(key);
      objects = std::move(fresh);
      synced_[event.informer] = true;
      break;
    }
    case InformerEvent::Type::kUpsert:
      for (const auto& o : event.objects) {
        objects.insert_or_assign(MetaOf(o).Key(), o);
        changed.push_back(MetaOf(o).Key());
      }
      break;
    case InformerEvent::Type::kDelete:
      for (const auto& o : event.objects) {
        objects.erase(MetaOf(o).Key());
        changed.push_back(MetaOf(o).Key());
      }
      break;
  }
  return changed;
}

bool ObjectStore::AllSynced() const {
  return std::all_of(synced_.begin(), synced_.end(), [](bool b) { return b; });
}

std::vector<const Object*> ObjectStore::All(Kind kind) const {
  std::vector<const Object*> out;
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].kind != kind) continue;
    for (const auto& [key, o] : objects_[i]) out.push_back(&o);
  }
  return out;
}

const Object* ObjectStore::Find(Kind kind, const std::string& key) const {
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].kind != kind) continue;
    if (auto it = objects_[i].find(key); it != objects_[i].end()) return &it->second;
  }
  return nullptr;
}

const Service* ObjectStore::FindService(const std::string& key) const {
  const Object* o = Find(Kind::kService, key);
  return o == nullptr ? nullptr : std::get_if<Service>(o);
}

const Pod* ObjectStore::FindPod(const std::string& key) const {
  const Object* o = Find(Kind::kPod, key);
  return o == nullptr ? nullptr : std::get_if<Pod>(o);
}

const Node* ObjectStore::FindNode(const std::string& name) const {
  const Object* o = Find(Kind::kNode, name);
  return o == nullptr ? nullptr : std::get_if<Node>(o);
}

}  // namespace cairn::scrape::discovery::kubernetes
