// TargetGroup: what service discovery hands the scrape manager, as
// Prometheus' targetgroup.Group. A group is identified by its `source`
// within one provider; a group with no targets means "this source is gone".
// The YAML/JSON form ({targets: [...], labels: {...}}) is read here once for
// static_configs, file_sd_configs and http_sd_configs.
// Thread-safety: plain values; the parsers are pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "storage/labels.h"
#include "util/status.h"

namespace cairn::scrape::discovery {

inline constexpr std::string_view kAddressLabel = "__address__";

struct TargetGroup {
  // Unique within the provider that produced the group: the static config's
  // index, "<file>:<index>", "<url>:<index>", or the DNS name.
  std::string source;
  // One label set per target; each holds at least __address__.
  std::vector<storage::Labels> targets;
  // Labels common to every target of the group.
  storage::Labels labels;

  friend bool operator==(const TargetGroup&, const TargetGroup&) = default;
};

// How strictly scalars are typed: JSON (http_sd, *.json files) accepts only
// strings where Go's encoding/json wants strings; YAML accepts any scalar.
enum class GroupSyntax { kYaml, kJson };

// One {targets, labels} map. Each target string becomes {__address__: t}.
// Unknown keys, label names that are empty or not UTF-8, and non-scalar
// targets or label values are InvalidArgument. `source` is left empty.
Result<TargetGroup> ParseTargetGroup(const YAML::Node& node, GroupSyntax syntax);

// A sequence of groups (an empty or null document is no groups). A null item
// is "nil target group item found", as Prometheus says.
Result<std::vector<TargetGroup>> ParseTargetGroups(const YAML::Node& node, GroupSyntax syntax);

// Parses `text` (a JSON array or a YAML sequence of groups); yaml-cpp reads
// both, and kJson adds encoding/json's typing on top.
Result<std::vector<TargetGroup>> ParseTargetGroupsText(std::string_view text, GroupSyntax syntax);

}  // namespace cairn::scrape::discovery
