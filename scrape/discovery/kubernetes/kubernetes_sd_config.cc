#include "scrape/discovery/kubernetes/kubernetes_sd_config.h"

#include <algorithm>

#include "scrape/discovery/yaml_util.h"
#include "scrape/http/url.h"
#include "util/go_quote.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

constexpr std::string_view kRoleMissing = "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)";

// Roles as Prometheus accepts them; ingress is Prometheus' but not Cairn's.
Result<Role> ParseRole(const YAML::Node& n) {
  const std::string s = n && n.IsScalar() ? n.Scalar() : "";
  if (s == "node") return Role::kNode;
  if (s == "service") return Role::kService;
  if (s == "pod") return Role::kPod;
  if (s == "endpoints") return Role::kEndpoints;
  if (s == "endpointslice") return Role::kEndpointSlice;
  if (s == "ingress") return Status::Unsupported(At(n) + "kubernetes_sd_configs role \"ingress\" is not supported by Cairn");
  return Status::InvalidArgument(At(n) + "unknown Kubernetes SD role " + GoQuote(s));
}

Status ReadBool(const YAML::Node& map, const char* key, bool* out) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) return Status::OK();
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
    return Status::InvalidArgument(At(n) + "cannot unmarshal " + (n.IsScalar() ? "!!str `" + n.Scalar() + "`" : "value") +
                                   " into bool");
  }
  *out = v;
  return Status::OK();
}

// What upstream compares against config.DefaultHTTPClientConfig.
bool IsDefaultHttpClient(const http::HttpClientConfig& c) {
  const http::TlsConfig& t = c.tls_config;
  const bool default_tls = t.ca.empty() && t.ca_file.empty() && t.cert.empty() && t.cert_file.empty() &&
                           t.key.empty() && t.key_file.empty() && t.server_name.empty() && !t.insecure_skip_verify &&
                           t.min_version == http::TlsVersion::kUnset && t.max_version == http::TlsVersion::kUnset;
  return !c.basic_auth && !c.authorization && default_tls && c.follow_redirects && c.enable_http2;
}

// The roles whose selectors each role's discovery uses (upstream's
// allowedSelectors), in upstream's order for the message.
std::vector<Role> AllowedSelectorRoles(Role role) {
  switch (role) {
    case Role::kPod:
      return {Role::kPod, Role::kNode};
    case Role::kService:
      return {Role::kService};
    case Role::kEndpointSlice:
      return {Role::kPod, Role::kService, Role::kEndpointSlice};
    case Role::kEndpoints:
      return {Role::kPod, Role::kService, Role::kEndpoints};
    case Role::kNode:
      return {Role::kNode};
  }
  return {};
}

// A field selector is comma-separated terms key=value, key==value or
// key!=value (k8s.io/apimachinery fields.ParseSelector).
Status CheckFieldSelector(const std::string& selector) {
  size_t start = 0;
  while (start < selector.size()) {
    size_t end = selector.find(',', start);
    if (end == std::string::npos) end = selector.size();
    const std::string term = selector.substr(start, end - start);
    if (term.find('=') == std::string::npos) {
      return Status::InvalidArgument("invalid selector: '" + selector + "'; can't understand '" + term + "'");
    }
    start = end + 1;
  }
  return Status::OK();
}

Status ParseSelectors(const YAML::Node& list, KubernetesSdConfig* cfg) {
  if (!list || list.IsNull()) return Status::OK();
  if (!list.IsSequence()) return Status::InvalidArgument(At(list) + "selectors must be a list");
  for (const auto& item : list) {
    if (!item.IsMap()) return Status::InvalidArgument(At(item) + "a selector must be a map");
    CAIRN_RETURN_IF_ERROR(CheckKnownKeys(item, {"role", "label", "field"}, "kubernetes.SelectorConfig"));
    Selector s;
    auto role = ParseRole(item["role"]);
    if (!role.ok()) return role.status();
    s.role = *role;
    CAIRN_RETURN_IF_ERROR(ReadString(item, "label", &s.label));
    CAIRN_RETURN_IF_ERROR(ReadString(item, "field", &s.field));
    if (cfg->SelectorFor(s.role) != nullptr) {
      return Status::InvalidArgument("duplicated selector role: " + std::string(RoleName(s.role)));
    }
    const std::vector<Role> allowed = AllowedSelectorRoles(cfg->role);
    if (std::find(allowed.begin(), allowed.end(), s.role) == allowed.end()) {
      std::string names;
      for (Role r : allowed) names += (names.empty() ? "" : ", ") + std::string(RoleName(r));
      return Status::InvalidArgument(std::string(RoleName(cfg->role)) + " role supports only " + names + " selectors");
    }
    CAIRN_RETURN_IF_ERROR(CheckFieldSelector(s.field));
    cfg->selectors.push_back(std::move(s));
  }
  return Status::OK();
}

Status ParseNamespaces(const YAML::Node& n, KubernetesSdConfig* cfg) {
  if (!n || n.IsNull()) return Status::OK();
  if (!n.IsMap()) return Status::InvalidArgument(At(n) + "namespaces must be a map");
  CAIRN_RETURN_IF_ERROR(CheckKnownKeys(n, {"own_namespace", "names"}, "kubernetes.NamespaceDiscovery"));
  CAIRN_RETURN_IF_ERROR(ReadBool(n, "own_namespace", &cfg->own_namespace));
  return ReadStringList(n, "names", &cfg->namespaces);
}

Status ParseAttachMetadata(const YAML::Node& n, KubernetesSdConfig* cfg) {
  if (!n || n.IsNull()) return Status::OK();
  if (!n.IsMap()) return Status::InvalidArgument(At(n) + "attach_metadata must be a map");
  CAIRN_RETURN_IF_ERROR(CheckKnownKeys(n, {"node", "namespace", "deployment", "job", "cronjob"},
                                       "kubernetes.AttachMetadataConfig"));
  CAIRN_RETURN_IF_ERROR(ReadBool(n, "node", &cfg->attach_node_metadata));
  for (const char* key : {"namespace", "deployment", "job", "cronjob"}) {
    bool on = false;
    CAIRN_RETURN_IF_ERROR(ReadBool(n, key, &on));
    if (on) return Status::Unsupported(At(n[key]) + "attach_metadata." + key + " is not supported by Cairn");
  }
  return Status::OK();
}

std::string JoinDir(const std::string& dir, const std::string& file) {
  if (dir.empty() || file.empty() || file.front() == '/') return file;
  return dir + (dir.back() == '/' ? "" : "/") + file;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kNode:
      return "node";
    case Role::kService:
      return "service";
    case Role::kPod:
      return "pod";
    case Role::kEndpoints:
      return "endpoints";
    case Role::kEndpointSlice:
      return "endpointslice";
  }
  return "";
}

const Selector* KubernetesSdConfig::SelectorFor(Role r) const {
  for (const auto& s : selectors) {
    if (s.role == r) return &s;
  }
  return nullptr;
}

Result<KubernetesSdConfig> ParseKubernetesSdConfig(const YAML::Node& node) {
  KubernetesSdConfig cfg;
  if (!node.IsMap()) return Status::InvalidArgument(At(node) + "kubernetes_sd_configs entries must be maps");
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const bool known = key == "role" || key == "api_server" || key == "kubeconfig_file" || key == "namespaces" ||
                       key == "selectors" || key == "attach_metadata" || http::IsHttpClientConfigKey(key);
    if (!known) return Status::InvalidArgument(At(kv.first) + "field " + key + " not found in type kubernetes.plain");
  }
  const YAML::Node role = node["role"];
  if (!role || role.IsNull() || (role.IsScalar() && role.Scalar().empty())) {
    return Status::InvalidArgument(std::string(kRoleMissing));
  }
  auto parsed_role = ParseRole(role);
  if (!parsed_role.ok()) return parsed_role.status();
  cfg.role = *parsed_role;
  CAIRN_RETURN_IF_ERROR(ReadString(node, "api_server", &cfg.api_server));
  CAIRN_RETURN_IF_ERROR(ReadString(node, "kubeconfig_file", &cfg.kubeconfig_file));
  CAIRN_RETURN_IF_ERROR(http::ParseHttpClientConfig(node, "", &cfg.http_client));
  CAIRN_RETURN_IF_ERROR(ParseNamespaces(node["namespaces"], &cfg));
  CAIRN_RETURN_IF_ERROR(ParseAttachMetadata(node["attach_metadata"], &cfg));

  if (!cfg.api_server.empty()) {
    auto url = http::ParseUrl(cfg.api_server);
    if (!url.ok()) return Status::InvalidArgument(At(node["api_server"]) + url.status().message());
  }
  const bool custom_client = !IsDefaultHttpClient(cfg.http_client);
  if (!cfg.api_server.empty() && !cfg.kubeconfig_file.empty()) {
    return Status::InvalidArgument("cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  }
  if (!cfg.kubeconfig_file.empty() && custom_client) {
    return Status::InvalidArgument("cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
  }
  if (cfg.api_server.empty() && custom_client) {
    return Status::InvalidArgument("to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  }
  if (!cfg.api_server.empty() && cfg.own_namespace) {
    return Status::InvalidArgument("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
  }
  if (!cfg.kubeconfig_file.empty() && cfg.own_namespace) {
    return Status::InvalidArgument("cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
  }
  CAIRN_RETURN_IF_ERROR(ParseSelectors(node["selectors"], &cfg));
  cfg.source_yaml = YAML::Dump(node);
  return cfg;
}

void SetDirectory(KubernetesSdConfig& cfg, const std::string& dir) {
  cfg.directory = dir;
  cfg.kubeconfig_file = JoinDir(dir, cfg.kubeconfig_file);
  http::SetDirectory(&cfg.http_client, dir);
}

}  // namespace cairn::scrape::discovery::kubernetes
