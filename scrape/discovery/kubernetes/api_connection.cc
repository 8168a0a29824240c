#include "scrape/discovery/kubernetes/api_connection.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "scrape/discovery/kubernetes/kubeconfig.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError("open " + path + ": no such file or directory");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

Result<ApiConnection> ConnectTo(const std::string& server, const http::HttpClientConfig& client_config) {
  ApiConnection conn;
  auto url = http::ParseUrl(server);
  if (!url.ok()) return url.status();
  conn.base = *url;
  // A query on the server URL means nothing to client-go either.
  if (size_t q = conn.base.target.find('?'); q != std::string::npos) conn.base.target.resize(q);
  auto client = http::Client::Create(client_config);
  if (!client.ok()) return client.status();
  conn.client = *client;
  return conn;
}

}  // namespace

InClusterEnvironment InClusterEnvironment::FromProcess() {
  InClusterEnvironment env;
  env.service_host = Env("KUBERNETES_SERVICE_HOST");
  env.service_port = Env("KUBERNETES_SERVICE_PORT");
  return env;
}

http::Url ApiConnection::UrlFor(const std::string& path_and_query) const {
  http::Url u = base;
  std::string prefix = base.target;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  u.target = prefix + path_and_query;
  return u;
}

Result<ApiConnection> Connect(const KubernetesSdConfig& config, const InClusterEnvironment& env) {
  if (!config.kubeconfig_file.empty()) {
    auto kc = LoadKubeconfig(config.kubeconfig_file);
    if (!kc.ok()) return kc.status();
    return ConnectTo(kc->server, kc->http_client);
  }
  if (!config.api_server.empty()) return ConnectTo(config.api_server, config.http_client);

  if (env.service_host.empty() || env.service_port.empty()) {
    return Status::Unavailable(
        "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
        "defined");
  }
  auto token = ReadFile(env.token_file);
  if (!token.ok()) return token.status();
  http::HttpClientConfig client_config;
  http::Authorization auth;
  auth.credentials_file = env.token_file;
  client_config.authorization = auth;
  // client-go logs an unreadable CA and goes on with the system roots.
  if (std::ifstream(env.ca_file)) client_config.tls_config.ca_file = env.ca_file;
  const bool v6 = env.service_host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + env.service_host + "]" : env.service_host;
  auto conn = ConnectTo("https://" + host + ":" + env.service_port, client_config);
  if (!conn.ok()) return conn.status();
  if (config.own_namespace) {
    auto ns = ReadFile(env.namespace_file);
    if (!ns.ok()) return Status::IOError("could not determine the pod's namespace: " + ns.status().message());
    if (ns->empty()) return Status::InvalidArgument("could not read own namespace name (empty file)");
    conn->own_namespace = *ns;
  }
  return conn;
}

}  // namespace cairn::scrape::discovery::kubernetes
