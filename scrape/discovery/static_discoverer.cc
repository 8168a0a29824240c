#include "scrape/discovery/static_discoverer.h"

#include <string>

#include "scrape/discovery/yaml_util.h"

namespace cairn::scrape::discovery {

Result<std::vector<TargetGroup>> ParseStaticConfigs(const YAML::Node& list) {
  std::vector<TargetGroup> groups;
  if (!list || list.IsNull()) return groups;
  if (!list.IsSequence()) return Status::InvalidArgument(At(list) + "static_configs must be a list");
  for (const auto& item : list) {
    if (item.IsNull() || (item.IsMap() && item.size() == 0)) {
      // An implicit null ("- " alone) has no useful mark of its own.
      return Status::InvalidArgument(At(item.IsNull() ? list : item) + "empty or null section in static_configs");
    }
    auto group = ParseTargetGroup(item, GroupSyntax::kYaml);
    if (!group.ok()) return group.status();
    group->source = std::to_string(groups.size());
    groups.push_back(std::move(group).value());
  }
  return groups;
}

void StaticDiscoverer::Run(std::stop_token stop, DiscoverySink& sink) {
  if (!stop.stop_requested()) sink.Update(groups_);
}

}  // namespace cairn::scrape::discovery
