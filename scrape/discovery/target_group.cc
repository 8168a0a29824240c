#include "scrape/discovery/target_group.h"

#include <string>

#include "scrape/discovery/yaml_util.h"
#include "util/go_quote.h"

namespace cairn::scrape::discovery {
namespace {

// encoding/json decodes only quoted scalars into strings; a plain scalar
// (number, true, null) carries the non-specific tag "?".
Status CheckString(const YAML::Node& n, GroupSyntax syntax, std::string_view field) {
  if (!n.IsScalar()) {
    return Status::InvalidArgument(At(n) + "expected a string for " + std::string(field));
  }
  if (syntax == GroupSyntax::kJson && n.Tag() != "!") {
    return Status::InvalidArgument("json: cannot unmarshal " + n.Scalar() + " into Go struct field " +
                                   std::string(field) + " of type string");
  }
  return Status::OK();
}

Status CheckLabelName(const YAML::Node& n, const std::string& name) {
  if (name.empty() || !storage::IsValidUtf8(name)) {
    return Status::InvalidArgument(At(n) + GoQuote(name) + " is not a valid label name");
  }
  return Status::OK();
}

}  // namespace

Result<TargetGroup> ParseTargetGroup(const YAML::Node& node, GroupSyntax syntax) {
  if (!node.IsMap()) return Status::InvalidArgument(At(node) + "a target group must be a map");
  TargetGroup group;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& value = kv.second;
    if (key == "targets") {
      if (value.IsNull()) continue;
      if (!value.IsSequence()) return Status::InvalidArgument(At(value) + "targets must be a list of strings");
      for (const auto& t : value) {
        CAIRN_RETURN_IF_ERROR(CheckString(t, syntax, "targets"));
        group.targets.push_back(storage::Labels{{std::string(kAddressLabel), t.Scalar()}});
      }
    } else if (key == "labels") {
      if (value.IsNull()) continue;
      if (!value.IsMap()) return Status::InvalidArgument(At(value) + "labels must be a map of strings");
      std::vector<storage::Label> labels;
      for (const auto& l : value) {
        const std::string name = l.first.Scalar();
        CAIRN_RETURN_IF_ERROR(CheckLabelName(l.first, name));
        CAIRN_RETURN_IF_ERROR(CheckString(l.second, syntax, "labels"));
        if (!storage::IsValidUtf8(l.second.Scalar())) {
          return Status::InvalidArgument(At(l.second) + "invalid label value " + GoQuote(l.second.Scalar()));
        }
        labels.push_back({name, l.second.Scalar()});
      }
      group.labels = storage::Labels::FromUnsorted(std::move(labels));
    } else if (syntax == GroupSyntax::kJson) {
      return Status::InvalidArgument("json: unknown field " + GoQuote(key));
    } else {
      return Status::InvalidArgument(At(kv.first) + "field " + key + " not found in type targetgroup.Group");
    }
  }
  return group;
}

Result<std::vector<TargetGroup>> ParseTargetGroups(const YAML::Node& node, GroupSyntax syntax) {
  std::vector<TargetGroup> groups;
  if (!node || node.IsNull()) return groups;
  if (!node.IsSequence()) return Status::InvalidArgument(At(node) + "target groups must be a list");
  for (const auto& item : node) {
    if (item.IsNull()) return Status::InvalidArgument("nil target group item found");
    auto group = ParseTargetGroup(item, syntax);
    if (!group.ok()) return group.status();
    groups.push_back(std::move(group).value());
  }
  return groups;
}

Result<std::vector<TargetGroup>> ParseTargetGroupsText(std::string_view text, GroupSyntax syntax) {
  auto doc = LoadYaml(text);
  if (!doc.ok()) return doc.status();
  if (syntax == GroupSyntax::kJson && (!doc->IsSequence() || doc->Style() != YAML::EmitterStyle::Flow)) {
    // An empty body or a bare scalar is not a JSON array of groups.
    return Status::InvalidArgument("json: expected an array of target groups");
  }
  return ParseTargetGroups(*doc, syntax);
}

}  // namespace cairn::scrape::discovery
