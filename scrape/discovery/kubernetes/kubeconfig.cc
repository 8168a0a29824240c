#include "scrape/discovery/kubernetes/kubeconfig.h"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "scrape/discovery/yaml_util.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

// The entry named `name` of a kubeconfig list (clusters, contexts, users),
// as its inner map (the "cluster", "context" or "user" field).
Result<YAML::Node> Named(const YAML::Node& doc, const char* list, const char* inner, const std::string& name) {
  const YAML::Node items = doc[list];
  if (items && items.IsSequence()) {
    for (const auto& item : items) {
      if (item.IsMap() && item["name"] && item["name"].IsScalar() && item["name"].Scalar() == name) {
        const YAML::Node value = item[inner];
        return value && value.IsMap() ? value : YAML::Node(YAML::NodeType::Map);
      }
    }
  }
  return Status::InvalidArgument(std::string("invalid configuration: ") + inner + " " + '"' + name + '"' +
                                 " not found in kubeconfig");
}

std::string Field(const YAML::Node& map, const char* key) {
  const YAML::Node n = map[key];
  return n && n.IsScalar() ? n.Scalar() : "";
}

Result<std::string> Base64(const std::string& field, const std::string& text) {
  std::string compact;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) compact.push_back(c);
  }
  if (compact.size() % 4 != 0) return Status::InvalidArgument(field + ": illegal base64 data");
  std::string out(compact.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(compact.data()), static_cast<int>(compact.size()));
  if (n < 0) return Status::InvalidArgument(field + ": illegal base64 data");
  size_t pad = 0;
  while (pad < 2 && pad < compact.size() && compact[compact.size() - 1 - pad] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || dir.empty()) return path;
  return dir + "/" + path;
}

}  // namespace

Result<KubeconfigTarget> LoadKubeconfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError("stat " + path + ": no such file or directory");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = LoadYaml(text.str());
  if (!doc.ok()) return Status::InvalidArgument(path + ": " + doc.status().message());
  if (!doc->IsMap()) return Status::InvalidArgument("invalid configuration: no configuration has been provided");
  const std::string dir = path.find('/') == std::string::npos ? "" : path.substr(0, path.rfind('/'));

  const std::string current = Field(*doc, "current-context");
  if (current.empty()) return Status::InvalidArgument("invalid configuration: no configuration has been provided");
  auto context = Named(*doc, "contexts", "context", current);
  if (!context.ok()) return context.status();
  auto cluster = Named(*doc, "clusters", "cluster", Field(*context, "cluster"));
  if (!cluster.ok()) return cluster.status();
  auto user = Named(*doc, "users", "user", Field(*context, "user"));
  if (!user.ok()) return user.status();

  KubeconfigTarget out;
  out.server = Field(*cluster, "server");
  if (out.server.empty()) return Status::InvalidArgument("invalid configuration: no server found for cluster");
  http::TlsConfig& tls = out.http_client.tls_config;
  tls.ca_file = Resolve(dir, Field(*cluster, "certificate-authority"));
  if (std::string data = Field(*cluster, "certificate-authority-data"); !data.empty()) {
    auto pem = Base64("certificate-authority-data", data);
    if (!pem.ok()) return pem.status();
    tls.ca = *pem;
    tls.ca_file.clear();  // client-go: the data wins over the file
  }
  tls.insecure_skip_verify = Field(*cluster, "insecure-skip-tls-verify") == "true";
  tls.server_name = Field(*cluster, "tls-server-name");

  if ((*user)["exec"] || (*user)["auth-provider"]) {
    return Status::Unsupported("kubeconfig users with exec or auth-provider plugins are not supported by Cairn");
  }
  tls.cert_file = Resolve(dir, Field(*user, "client-certificate"));
  tls.key_file = Resolve(dir, Field(*user, "client-key"));
  if (std::string data = Field(*user, "client-certificate-data"); !data.empty()) {
    auto pem = Base64("client-certificate-data", data);
    if (!pem.ok()) return pem.status();
    tls.cert = *pem;
    tls.cert_file.clear();
  }
  if (std::string data = Field(*user, "client-key-data"); !data.empty()) {
    auto pem = Base64("client-key-data", data);
    if (!pem.ok()) return pem.status();
    tls.key = *pem;
    tls.key_file.clear();
  }
  const std::string token = Field(*user, "token");
  const std::string token_file = Resolve(dir, Field(*user, "tokenFile"));
  if (!token.empty() || !token_file.empty()) {
    http::Authorization auth;
    auth.credentials = token;
    if (token.empty()) auth.credentials_file = token_file;
    out.http_client.authorization = auth;
  } else if (!Field(*user, "username").empty()) {
    out.http_client.basic_auth = http::BasicAuth{Field(*user, "username"), "", Field(*user, "password"), ""};
  }
  return out;
}

}  // namespace cairn::scrape::discovery::kubernetes
