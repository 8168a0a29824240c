// Which Alertmanagers a discovered target group names, after an
// `alertmanagers` entry's relabel_configs (upstream's AlertmanagerFromGroup):
// each target's labels, the entry's scheme as __scheme__ and its push path as
// __alerts_path__, then the group's labels the target lacks; relabeling may
// drop the target (listed as dropped, with its labels before relabeling) or
// rewrite any of them. An Alertmanager's URL is
// __scheme__://__address__ + __alerts_path__.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "notifier/alertmanager_config.h"
#include "scrape/discovery/target_group.h"
#include "storage/labels.h"
#include "util/status.h"

namespace cairn::notifier {

inline constexpr std::string_view kAlertsPathLabel = "__alerts_path__";
inline constexpr std::string_view kSchemeLabel = "__scheme__";

struct DiscoveredAlertmanagers {
  std::vector<storage::Labels> active;   // after relabeling
  std::vector<storage::Labels> dropped;  // before relabeling
};

// Errors: InvalidArgument `"http://x/" is not a valid hostname` when an
// address (after relabeling) holds a '/', as upstream's CheckTargetAddress;
// the whole group is then skipped by the caller, as upstream does.
Result<DiscoveredAlertmanagers> AlertmanagersFromGroup(const scrape::discovery::TargetGroup& group,
                                                       const AlertmanagerConfig& config);

// path.Join("/", prefix, "/api/<version>/alerts"): cleaned, one leading slash.
std::string PostPath(std::string_view path_prefix, std::string_view api_version);

// The URL of an Alertmanager's label set (as Go's url.URL.String() prints
// scheme, host and path).
std::string AlertmanagerUrl(const storage::Labels& labels);

}  // namespace cairn::notifier
