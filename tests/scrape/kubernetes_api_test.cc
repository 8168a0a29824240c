// The kubernetes_sd plumbing below the discoverer: where the API server is
// (api_server, kubeconfig_file, in-cluster service account), the list and
// watch queries, decoding errors, and the informer's list+watch against the
// fake API server.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "scrape/discovery/kubernetes/api_connection.h"
#include "scrape/discovery/kubernetes/informer.h"
#include "scrape/discovery/kubernetes/kubeconfig.h"
#include "scrape/discovery/kubernetes/kubernetes_discoverer.h"
#include "scrape/discovery/kubernetes/objects.h"
#include "tests/scrape/kubernetes_api_server.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/cairn_k8s_XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

KubernetesSdConfig Config(const std::string& yaml) {
  auto cfg = ParseKubernetesSdConfig(YAML::Load(yaml));
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return cfg.ok() ? *cfg : KubernetesSdConfig{};
}

TEST(ApiConnectionTest, InClusterNeedsTheServiceEnvironment) {
  auto conn = Connect(Config("role: pod"), InClusterEnvironment{});
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().message(),
            "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
            "defined");
}

TEST(ApiConnectionTest, InClusterUsesTheServiceAccount) {
  TempDir dir;
  InClusterEnvironment env;
  env.service_host = "10.96.0.1";
  env.service_port = "443";
  env.token_file = dir.Write("token", "sa-token\n");
  env.ca_file = dir.path() + "/missing-ca.crt";  // client-go goes on without it
  env.namespace_file = dir.Write("namespace", "monitoring");

  auto conn = Connect(Config("{role: pod, namespaces: {own_namespace: true}}"), env);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_EQ(conn->base.ToString(), "https://10.96.0.1:443/");
  EXPECT_EQ(conn->own_namespace, "monitoring");
  EXPECT_EQ(conn->UrlFor("/api/v1/pods").ToString(), "https://10.96.0.1:443/api/v1/pods");
  auto auth = conn->client->AuthorizationHeader(conn->base, conn->base.host);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(*auth, "Bearer sa-token");
  // The token file is read on every request: a rotated token is used.
  dir.Write("token", "rotated");
  EXPECT_EQ(*conn->client->AuthorizationHeader(conn->base, conn->base.host), "Bearer rotated");

  std::vector<InformerSpec> specs = InformerSpecs(Config("{role: pod, namespaces: {own_namespace: true}}"), "monitoring");
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].namespace_, "monitoring");

  dir.Write("namespace", "");
  auto empty = Connect(Config("{role: pod, namespaces: {own_namespace: true}}"), env);
  EXPECT_EQ(empty.status().message(), "could not read own namespace name (empty file)");
  env.token_file = dir.path() + "/none";
  EXPECT_FALSE(Connect(Config("role: pod"), env).ok());
}

TEST(ApiConnectionTest, ApiServerKeepsItsPathPrefix) {
  auto conn = Connect(Config("{role: pod, api_server: 'http://proxy:8001/k8s/', bearer_token: abc}"), {});
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_EQ(conn->UrlFor("/api/v1/pods?watch=true").ToString(), "http://proxy:8001/k8s/api/v1/pods?watch=true");
  EXPECT_EQ(*conn->client->AuthorizationHeader(conn->base, conn->base.host), "Bearer abc");
}

TEST(KubeconfigTest, ReadsTheCurrentContext) {
  TempDir dir;
  dir.Write("kube/token", "file-token");
  const std::string path = dir.Write("kube/config", R"(
apiVersion: v1
kind: Config
current-context: prod
contexts:
  - {name: dev, context: {cluster: dev, user: dev}}
  - {name: prod, context: {cluster: prod, user: robot}}
clusters:
  - {name: dev, cluster: {server: 'https://dev:6443'}}
  - {name: prod, cluster: {server: 'https://prod.example:6443', insecure-skip-tls-verify: true, tls-server-name: api.prod}}
users:
  - {name: dev, user: {token: dev-token}}
  - {name: robot, user: {tokenFile: token}}
)");
  auto kc = LoadKubeconfig(path);
  ASSERT_TRUE(kc.ok()) << kc.status().ToString();
  EXPECT_EQ(kc->server, "https://prod.example:6443");
  EXPECT_TRUE(kc->http_client.tls_config.insecure_skip_verify);
  EXPECT_EQ(kc->http_client.tls_config.server_name, "api.prod");
  ASSERT_TRUE(kc->http_client.authorization.has_value());
  EXPECT_EQ(kc->http_client.authorization->credentials_file, dir.path() + "/kube/token");

  auto conn = Connect(Config("{role: node, kubeconfig_file: '" + path + "'}"), {});
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_EQ(conn->base.ToString(), "https://prod.example:6443/");
  EXPECT_EQ(*conn->client->AuthorizationHeader(conn->base, conn->base.host), "Bearer file-token");
}

TEST(KubeconfigTest, Errors) {
  TempDir dir;
  EXPECT_EQ(LoadKubeconfig(dir.path() + "/none").status().code(), StatusCode::kIOError);
  EXPECT_EQ(LoadKubeconfig(dir.Write("empty", "kind: Config\n")).status().message(),
            "invalid configuration: no configuration has been provided");
  EXPECT_EQ(LoadKubeconfig(dir.Write("nocluster", "current-context: a\ncontexts: [{name: a, context: {cluster: x, user: u}}]\n"))
                .status()
                .message(),
            "invalid configuration: cluster \"x\" not found in kubeconfig");
  auto exec = LoadKubeconfig(dir.Write("exec", R"(
current-context: a
contexts: [{name: a, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: 'https://c'}}]
users: [{name: u, user: {exec: {command: aws}}}]
)"));
  EXPECT_EQ(exec.status().code(), StatusCode::kUnsupported);
  auto bad64 = LoadKubeconfig(dir.Write("bad64", R"(
current-context: a
contexts: [{name: a, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: 'https://c', certificate-authority-data: 'abc'}}]
users: [{name: u, user: {}}]
)"));
  EXPECT_EQ(bad64.status().message(), "certificate-authority-data: illegal base64 data");
}

TEST(InformerQueryTest, ListAndWatchParameters) {
  InformerSpec spec{Kind::kPod, "ns", "app in (a,b)", "status.phase=Running"};
  EXPECT_EQ(ListQuery(spec), "fieldSelector=status.phase%3DRunning&labelSelector=app%20in%20%28a%2Cb%29");
  EXPECT_EQ(WatchQuery(InformerSpec{Kind::kNode, "", "", ""}, "42", 300),
            "allowWatchBookmarks=true&resourceVersion=42&timeoutSeconds=300&watch=true");
  EXPECT_EQ(CollectionPath(Kind::kEndpointSlice, "ns"), "/apis/discovery.k8s.io/v1/namespaces/ns/endpointslices");
  EXPECT_EQ(CollectionPath(Kind::kNode, "ns"), "/api/v1/nodes");
  EXPECT_EQ(CollectionPath(Kind::kEndpoints, ""), "/api/v1/endpoints");
}

TEST(ObjectsTest, DecodeRejectsWrongShapes) {
  EXPECT_EQ(DecodeObject(Kind::kPod, YAML::Load(R"({"metadata": {"labels": ["a"]}})")).status().message(),
            "field labels must be an object");
  EXPECT_EQ(DecodeObject(Kind::kService, YAML::Load(R"({"spec": {"ports": [{"port": "http"}]}})")).status().message(),
            "field port must be an integer");
  EXPECT_EQ(DecodeObject(Kind::kNode, YAML::Load("[]")).status().message(), "a Kubernetes object must be a JSON object");
  auto slice = DecodeObject(Kind::kEndpointSlice, YAML::Load(R"({"ports": [{}], "endpoints": [{"addresses": ["1.1.1.1"]}]})"));
  ASSERT_TRUE(slice.ok()) << slice.status().ToString();
  const auto& s = std::get<EndpointSlice>(*slice);
  EXPECT_FALSE(s.ports[0].port.has_value()) << "absent stays apart from zero";
  EXPECT_FALSE(s.endpoints[0].ready.has_value());
}

TEST(InformerTest, WatchErrorEventIsReportedAndListedAgain) {
  testing::FakeKubernetesApi api;
  testing::FakeKubernetesApi::Route route;
  route.list_body = R"({"kind":"NodeList","metadata":{"resourceVersion":"7"},"items":[]})";
  route.watch_lines = {
      R"({"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"internal error","code":500}})"};
  api.AddRoute("/api/v1/nodes", route);
  auto conn = Connect(Config("{role: node, api_server: '" + api.Start() + "'}"), {});
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  api.ReleaseWatches();
  EventQueue queue;
  InformerOptions options;
  options.initial_backoff_ms = 10;
  std::jthread informer([&](std::stop_token stop) {
    RunInformer(stop, *conn, InformerSpec{Kind::kNode, "", "", ""}, 3, options, queue);
  });
  std::vector<InformerEvent> seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<InformerEvent> batch;
    std::stop_source timeout;
    std::jthread waker([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      timeout.request_stop();
    });
    if (queue.WaitPop(timeout.get_token(), &batch)) {
      for (auto& e : batch) seen.push_back(std::move(e));
    }
    int lists = 0;
    for (const auto& e : seen) lists += e.type == InformerEvent::Type::kSynced;
    if (lists >= 2) break;
  }
  informer.request_stop();
  informer.join();
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen[0].type, InformerEvent::Type::kSynced);
  EXPECT_EQ(seen[0].informer, 3u);
  EXPECT_EQ(seen[1].type, InformerEvent::Type::kError);
  EXPECT_EQ(seen[1].error.message(), "watch /api/v1/nodes: internal error");
  EXPECT_EQ(seen[2].type, InformerEvent::Type::kSynced) << "after an error the collection is listed again";
}

}  // namespace
}  // namespace cairn::scrape::discovery::kubernetes
