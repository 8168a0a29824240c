#include "server/config_remote_headers.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace cairn::server {
namespace {

// Upstream's reservedHeaders: the remote client owns these.
bool IsReservedHeader(const std::string& lower) {
  static const std::set<std::string> kReserved = {
      "host", "content-encoding", "content-length", "content-type", "user-agent", "connection", "keep-alive",
      "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding",
      "x-prometheus-remote-write-version", "x-prometheus-remote-read-version", "x-amz-date",
      "x-amz-security-token", "x-amz-content-sha256"};
  return kReserved.count(lower) > 0;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> ParseRemoteHeaders(const YAML::Node& node) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!node || node.IsNull()) return headers;
  if (!node.IsMap()) {
    return Status::InvalidArgument("line " + std::to_string(node.Mark().line + 1) + ": headers must be a map");
  }
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "authorization") {
      return Status::InvalidArgument(
          "authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter");
    }
    if (IsReservedHeader(lower)) return Status::InvalidArgument(name + " is a reserved header. It must not be changed");
    headers.emplace_back(name, kv.second.IsNull() ? "" : kv.second.as<std::string>());
  }
  std::sort(headers.begin(), headers.end());
  return headers;
}

}  // namespace cairn::server
