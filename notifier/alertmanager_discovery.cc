#include "notifier/alertmanager_discovery.h"

#include "util/go_quote.h"

namespace cairn::notifier {
namespace {

// Go's path.Clean for a rooted path.
std::string CleanRooted(std::string_view p) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t slash = p.find('/', i);
    if (slash == std::string_view::npos) slash = p.size();
    std::string_view part = p.substr(i, slash - i);
    i = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

}  // namespace

std::string PostPath(std::string_view path_prefix, std::string_view api_version) {
  return CleanRooted("/" + std::string(path_prefix) + "/api/" + std::string(api_version) + "/alerts");
}

std::string AlertmanagerUrl(const storage::Labels& labels) {
  std::string path(labels.Get(kAlertsPathLabel));
  if (!path.empty() && path.front() != '/') path.insert(path.begin(), '/');
  return std::string(labels.Get(kSchemeLabel)) + "://" + std::string(labels.Get(scrape::discovery::kAddressLabel)) +
         path;
}

Result<DiscoveredAlertmanagers> AlertmanagersFromGroup(const scrape::discovery::TargetGroup& group,
                                                       const AlertmanagerConfig& config) {
  DiscoveredAlertmanagers out;
  const std::string path = PostPath(config.path_prefix, config.api_version);
  for (const storage::Labels& target : group.targets) {
    // The configured scheme and path are set over the target's own, and the
    // group's labels fill in what the target lacks, as upstream orders it.
    storage::Labels ls = target.With(kSchemeLabel, config.scheme).With(kAlertsPathLabel, path);
    for (const auto& l : group.labels) {
      if (!target.Has(l.name)) ls = ls.With(l.name, l.value);
    }
    storage::Labels before = ls;
    ingest::RelabelResult r = ingest::Process(std::move(ls), config.relabel);
    if (!r.keep) {
      out.dropped.push_back(std::move(before));
      continue;
    }
    std::string_view addr = r.labels.Get(scrape::discovery::kAddressLabel);
    if (addr.find('/') != std::string_view::npos) {
      return Status::InvalidArgument(GoQuote(addr) + " is not a valid hostname");
    }
    out.active.push_back(std::move(r.labels));
  }
  return out;
}

}  // namespace cairn::notifier
