// kubernetes_sd_configs parsing: defaults, what Prometheus' SDConfig
// UnmarshalYAML rejects (with its messages), what Cairn reports as
// unsupported, and SetDirectory.
#include "scrape/discovery/kubernetes/kubernetes_sd_config.h"

#include <gtest/gtest.h>

#include "scrape/discovery/sd_configs.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

Result<KubernetesSdConfig> Parse(const std::string& yaml) { return ParseKubernetesSdConfig(YAML::Load(yaml)); }

std::string Error(const std::string& yaml) {
  auto r = Parse(yaml);
  return r.ok() ? "OK" : r.status().message();
}

TEST(KubernetesSdConfigTest, ReadsEveryField) {
  auto cfg = Parse(R"(
role: endpoints
api_server: https://k8s.example:6443
basic_auth: {username: u, password: p}
tls_config: {insecure_skip_verify: true}
namespaces: {names: [a, b]}
selectors:
  - {role: pod, label: "app=x", field: "spec.nodeName=n"}
  - {role: service, label: "tier=web"}
attach_metadata: {node: true}
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->role, Role::kEndpoints);
  EXPECT_EQ(cfg->api_server, "https://k8s.example:6443");
  ASSERT_TRUE(cfg->http_client.basic_auth.has_value());
  EXPECT_EQ(cfg->http_client.basic_auth->username, "u");
  EXPECT_TRUE(cfg->http_client.tls_config.insecure_skip_verify);
  EXPECT_EQ(cfg->namespaces, (std::vector<std::string>{"a", "b"}));
  ASSERT_NE(cfg->SelectorFor(Role::kPod), nullptr);
  EXPECT_EQ(cfg->SelectorFor(Role::kPod)->label, "app=x");
  EXPECT_EQ(cfg->SelectorFor(Role::kPod)->field, "spec.nodeName=n");
  EXPECT_EQ(cfg->SelectorFor(Role::kService)->label, "tier=web");
  EXPECT_EQ(cfg->SelectorFor(Role::kNode), nullptr);
  EXPECT_TRUE(cfg->attach_node_metadata);
  EXPECT_FALSE(cfg->own_namespace);
}

TEST(KubernetesSdConfigTest, InClusterNeedsNothingButTheRole) {
  for (const char* role : {"node", "service", "pod", "endpoints", "endpointslice"}) {
    auto cfg = Parse(std::string("role: ") + role);
    ASSERT_TRUE(cfg.ok()) << role << ": " << cfg.status().ToString();
    EXPECT_EQ(RoleName(cfg->role), role);
    EXPECT_TRUE(cfg->api_server.empty());
  }
  EXPECT_EQ(Error("{role: pod, namespaces: {own_namespace: true}}"), "OK");
}

TEST(KubernetesSdConfigTest, RejectsWhatPrometheusRejects) {
  EXPECT_EQ(Error("api_server: http://x"), "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
  EXPECT_EQ(Error("role: \"\""), "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
  EXPECT_EQ(Error("role: nodes"), "line 1: unknown Kubernetes SD role \"nodes\"");
  EXPECT_EQ(Error("{role: pod, api_server: 'http://x', kubeconfig_file: /k}"),
            "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  EXPECT_EQ(Error("{role: pod, kubeconfig_file: /k, bearer_token: t}"),
            "cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
  EXPECT_EQ(Error("{role: pod, tls_config: {insecure_skip_verify: true}}"),
            "to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  EXPECT_EQ(Error("{role: pod, api_server: 'http://x', namespaces: {own_namespace: true}}"),
            "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
  EXPECT_EQ(Error("{role: pod, kubeconfig_file: /k, namespaces: {own_namespace: true}}"),
            "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
  EXPECT_EQ(Error("{role: pod, selectors: [{role: pod}, {role: pod}]}"), "duplicated selector role: pod");
  EXPECT_EQ(Error("{role: service, selectors: [{role: pod}]}"), "service role supports only service selectors");
  EXPECT_EQ(Error("{role: endpoints, selectors: [{role: node}]}"),
            "endpoints role supports only pod, service, endpoints selectors");
  EXPECT_EQ(Error("{role: pod, selectors: [{role: pod, field: 'spec.nodeName'}]}"),
            "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'");
  EXPECT_EQ(Error("{role: pod, foo: 1}"), "line 1: field foo not found in type kubernetes.plain");
  EXPECT_EQ(Error("{role: pod, namespaces: {name: [a]}}"),
            "line 1: field name not found in type kubernetes.NamespaceDiscovery");
  EXPECT_EQ(Error("{role: pod, api_server: 'ftp://x'}"), "line 1: unsupported protocol scheme \"ftp\"");
}

TEST(KubernetesSdConfigTest, ReportsWhatCairnLacks) {
  auto ingress = Parse("role: ingress");
  ASSERT_FALSE(ingress.ok());
  EXPECT_EQ(ingress.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(ingress.status().message(), "line 1: kubernetes_sd_configs role \"ingress\" is not supported by Cairn");
  auto ns = Parse("{role: pod, attach_metadata: {namespace: true}}");
  ASSERT_FALSE(ns.ok());
  EXPECT_EQ(ns.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(Error("{role: pod, attach_metadata: {node: false, job: false}}"), "OK");
}

TEST(KubernetesSdConfigTest, SetDirectoryJoinsRelativeFiles) {
  auto cfg = Parse("{role: pod, api_server: 'https://x', authorization: {credentials_file: token}, "
                   "tls_config: {ca_file: /abs/ca.crt, cert_file: c.crt, key_file: c.key}}");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  SetDirectory(*cfg, "/etc/cairn");
  EXPECT_EQ(cfg->http_client.authorization->credentials_file, "/etc/cairn/token");
  EXPECT_EQ(cfg->http_client.tls_config.ca_file, "/abs/ca.crt");
  EXPECT_EQ(cfg->http_client.tls_config.cert_file, "/etc/cairn/c.crt");
  EXPECT_EQ(cfg->http_client.tls_config.key_file, "/etc/cairn/c.key");
  auto kc = Parse("{role: node, kubeconfig_file: kube/config}");
  ASSERT_TRUE(kc.ok());
  SetDirectory(*kc, "/etc/cairn");
  EXPECT_EQ(kc->kubeconfig_file, "/etc/cairn/kube/config");
}

TEST(KubernetesSdConfigTest, ScrapeConfigsAcceptTheSection) {
  auto sd = ParseSdConfigs(YAML::Load(R"(
job_name: k8s
kubernetes_sd_configs:
  - role: pod
  - role: node
    api_server: http://127.0.0.1:8001
)"));
  ASSERT_TRUE(sd.ok()) << sd.status().ToString();
  ASSERT_EQ(sd->kubernetes.size(), 2u);
  EXPECT_EQ(sd->kubernetes[1].role, Role::kNode);
  EXPECT_EQ(NewDiscoverers(*sd, {}).size(), 2u);
  EXPECT_TRUE(IsSdConfigKey("kubernetes_sd_configs"));
  EXPECT_EQ(ParseSdConfigs(YAML::Load("kubernetes_sd_configs: [{}]")).status().message(),
            "line 1: empty or null section in kubernetes_sd_configs");
}

}  // namespace
}  // namespace cairn::scrape::discovery::kubernetes
