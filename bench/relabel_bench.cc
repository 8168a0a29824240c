// Relabeling cost per series: ingest::Process over rule lists of the shapes
// metric_relabel_configs and Kubernetes target relabeling usually have.
#include <cstdlib>
#include <iostream>

#include <benchmark/benchmark.h>

#include "ingest/relabel.h"
#include "server/relabel_config_yaml.h"

namespace cairn {
namespace {

std::vector<ingest::RelabelRule> Rules(const char* yaml) {
  auto configs = server::ParseRelabelConfigs(YAML::Load(yaml), "null rule");
  auto rules = configs.ok() ? ingest::MakeRelabelRules(std::move(configs).value(),
                                                       storage::NameValidationScheme::kUtf8)
                            : Result<std::vector<ingest::RelabelRule>>(configs.status());
  if (!rules.ok()) {
    std::cerr << rules.status().message() << "\n";
    std::abort();
  }
  return std::move(rules).value();
}

void Run(benchmark::State& state, const std::vector<ingest::RelabelRule>& rules,
         const storage::Labels& series) {
  for (auto _ : state) {
    // Copying the input is part of what a caller holding on to it pays.
    ingest::RelabelResult r = ingest::Process(series, rules);
    benchmark::DoNotOptimize(r);
  }
}

const storage::Labels kSeries{
    {"__name__", "http_requests_total"}, {"code", "200"},       {"handler", "/api/v1/query"},
    {"instance", "10.0.0.1:9090"},       {"job", "prometheus"}, {"method", "get"}};

void BM_MetricDropByName(benchmark::State& state) {
  static const auto rules = Rules(R"(
- source_labels: [__name__]
  regex: go_gc_.*|go_memstats_.*|process_.*|scrape_.*
  action: drop
)");
  Run(state, rules, kSeries);
}
BENCHMARK(BM_MetricDropByName);

void BM_MetricLabelDrop(benchmark::State& state) {
  static const auto rules = Rules(R"(
- regex: method|code
  action: labeldrop
)");
  Run(state, rules, kSeries);
}
BENCHMARK(BM_MetricLabelDrop);

void BM_MetricReplaceWithGroups(benchmark::State& state) {
  static const auto rules = Rules(R"(
- source_labels: [handler]
  regex: /api/v1/(.*)
  target_label: endpoint
  replacement: api_${1}
- source_labels: [instance]
  regex: (.*):\d+
  target_label: host
)");
  Run(state, rules, kSeries);
}
BENCHMARK(BM_MetricReplaceWithGroups);

void BM_KubernetesTargetRelabel(benchmark::State& state) {
  static const auto rules = Rules(R"(
- source_labels: [__meta_kubernetes_pod_container_port_name]
  regex: .*-metrics
  action: keep
- source_labels: [__meta_kubernetes_pod_phase]
  regex: Succeeded|Failed
  action: drop
- source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
  target_label: __address__
  regex: (.+?)(\:\d+)?;(\d+)
  replacement: $1:$3
- regex: __meta_kubernetes_pod_label_(.+)
  action: labelmap
- source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_pod_label_name]
  separator: /
  target_label: job
- source_labels: [__meta_kubernetes_namespace]
  target_label: namespace
- source_labels: [__meta_kubernetes_pod_name]
  target_label: pod
- target_label: cluster
  replacement: dev-eu-1
- source_labels: [__address__]
  target_label: __tmp_hash
  modulus: 3
  action: hashmod
- source_labels: [__tmp_hash]
  regex: "1"
  action: keep
- regex: __tmp_hash
  action: labeldrop
)");
  static const storage::Labels target{{"__address__", "10.132.183.40:80"},
                                      {"__meta_kubernetes_namespace", "monitoring"},
                                      {"__meta_kubernetes_pod_annotation_prometheus_io_port", "9102"},
                                      {"__meta_kubernetes_pod_container_name", "exporter"},
                                      {"__meta_kubernetes_pod_container_port_name", "http-metrics"},
                                      {"__meta_kubernetes_pod_label_app", "exporter"},
                                      {"__meta_kubernetes_pod_label_name", "node-exporter"},
                                      {"__meta_kubernetes_pod_label_pod_template_hash", "555b77cd7d"},
                                      {"__meta_kubernetes_pod_name", "node-exporter-jgtr7"},
                                      {"__meta_kubernetes_pod_phase", "Running"},
                                      {"__metrics_path__", "/metrics"},
                                      {"__scheme__", "http"},
                                      {"job", "kubernetes-pods"}};
  Run(state, rules, target);
}
BENCHMARK(BM_KubernetesTargetRelabel);

}  // namespace
}  // namespace cairn

BENCHMARK_MAIN();
