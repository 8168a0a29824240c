// Agent mode (--agent, --enable-feature=agent), as Prometheus 2.42's agent:
// scrapes and remote-written samples go to WAL-only storage
// (storage/agent/agent_db.h) that the remote_write queues read and that is
// truncated as they confirm; everything that reads stored data — queries,
// series and label lists, TSDB status, rules, alerts, admin — answers 422
// `execution` "unavailable with Prometheus Agent", what 2.42's wrapAgent
// answers. /metrics, /-/healthy, /-/ready, /-/reload, targets, scrape pools,
// metadata and the status pages (config, flags, buildinfo, runtimeinfo)
// keep working; /federate and /api/v1/read fail as 2.42's do, with the
// storage's "unsupported operation with WAL-only storage".
#include "server/api/api_response.h"
#include "server/server.h"

namespace cairn::server {

Status Server::OpenAgentStorage() {
  const Config cfg = state_->config();
  CAIRN_RETURN_IF_ERROR(CheckAgentConfig(cfg));
  const ServerFlags& flags = options_.flags;
  storage::AgentOptions ao;
  ao.path = flags.agent_path;
  ao.truncate_frequency_ms = flags.agent_truncate_frequency_ms;
  ao.min_wal_time_ms = flags.agent_min_wal_time_ms;
  ao.max_wal_time_ms = flags.agent_max_wal_time_ms;
  ao.wal_keep_max_bytes = static_cast<uint64_t>(flags.remote_max_wal_retention_bytes);
  // As in server mode, the queues exist before storage opens, so the first
  // truncation already keeps what their saved positions point into.
  remote::QueueOptions qo;
  qo.wal_dir = ao.path + "/wal";
  qo.state_dir = ao.path + "/remote_write";
  qo.metadata = [st = &metadata_] { return st->Snapshot(); };
  remote_ = std::make_unique<remote::RemoteStorage>(qo, cfg.remote_write);
  ao.wal_keep_from = [rs = remote_.get()] { return rs->KeepFromSegment(); };
  ao.lowest_sent_ms = [rs = remote_.get()] { return rs->LowestSentTimestampMs(); };
  auto agent = storage::AgentDB::Open(ao, *options_.clock);
  if (!agent.ok()) return agent.status().WithContext("opening agent storage at " + ao.path);
  agent_ = std::move(agent).value();
  remote_->SetSeriesLabels([a = agent_.get()](storage::SeriesRef ref) { return a->SeriesLabels(ref); });
  queryable_ = agent_.get();
  appendable_ = agent_.get();
  chunk_queryable_ = agent_.get();
  return Status::OK();
}

void Server::RegisterAgentRefusals() {
  auto refuse = [this](const http::HttpRequest&) {
    if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    return api::ApiFailure(Status::Execution("unavailable with Prometheus Agent"));
  };
  const std::vector<std::string> get_post = {"GET", "POST"};
  const std::vector<std::string> post_put = {"POST", "PUT"};
  // Registered before every other route: the router keeps the first
  // registration of a pattern and method.
  for (const char* path : {"/api/v1/query", "/api/v1/query_range", "/api/v1/query_exemplars",
                           "/api/v1/format_query", "/api/v1/parse_query", "/api/v1/labels", "/api/v1/series"}) {
    router_.Add(path, get_post, refuse);
  }
  for (const char* path : {"/api/v1/label/:name/values", "/api/v1/alertmanagers", "/api/v1/status/tsdb",
                           "/api/v1/alerts", "/api/v1/rules"}) {
    router_.Add(path, {"GET"}, refuse);
  }
  for (const char* path : {"/api/v1/admin/tsdb/delete_series", "/api/v1/admin/tsdb/clean_tombstones",
                           "/api/v1/admin/tsdb/snapshot", "/api/v1/admin/tsdb/compact"}) {
    router_.Add(path, post_put, refuse);
  }
  router_.Add("/api/v1/admin/tsdb/snapshots", {"GET", "DELETE"}, refuse);
}

void Server::AddAgentMetrics() {
  auto family = [this](const char* name, const char* help, const char* type,
                      std::function<double(const storage::AgentStats&)> get) {
    metrics_->AddFamily(name, help, type, [this, get](std::vector<metrics::MetricSample>* out) {
      out->push_back({"", {}, get(agent_->Stats())});
    });
  };
  // Names, help and types of tsdb/agent/db.go (v2.42).
  family("prometheus_agent_active_series", "Number of active series being tracked by the WAL storage", "gauge",
        [](const storage::AgentStats& s) { return static_cast<double>(s.active_series); });
  family("prometheus_agent_deleted_series", "Number of series pending deletion from the WAL", "gauge",
        [](const storage::AgentStats& s) { return static_cast<double>(s.deleted_series); });
  metrics_->AddFamily("prometheus_agent_samples_appended_total", "Total number of samples appended to the storage",
                      "counter", [this](std::vector<metrics::MetricSample>* out) {
                        out->push_back({"", {{"type", "float"}}, static_cast<double>(agent_->Stats().samples_appended_total)});
                      });
  family("prometheus_agent_exemplars_appended_total", "Total number of exemplars appended to the storage", "counter",
        [](const storage::AgentStats&) { return 0.0; });  // Cairn stores no exemplars
  family("prometheus_agent_out_of_order_samples_total",
        "Total number of out of order samples ingestion failed attempts.", "counter",
        [](const storage::AgentStats& s) { return static_cast<double>(s.out_of_order_samples_total); });
  metrics_->AddFamily("prometheus_agent_truncate_duration_seconds", "Duration of WAL truncation.", "summary",
                      [this](std::vector<metrics::MetricSample>* out) {
                        const storage::AgentStats s = agent_->Stats();
                        out->push_back({"_sum", {}, s.truncate_duration_seconds_sum});
                        out->push_back({"_count", {}, static_cast<double>(s.truncate_duration_seconds_count)});
                      });
  family("prometheus_agent_corruptions_total", "Total number of WAL corruptions.", "counter",
        [](const storage::AgentStats& s) { return static_cast<double>(s.corruptions_total); });
  family("prometheus_agent_data_replay_duration_seconds", "Time taken to replay the data on disk.", "gauge",
        [](const storage::AgentStats& s) { return s.data_replay_duration_seconds; });
  family("prometheus_agent_checkpoint_deletions_failed_total", "Total number of checkpoint deletions that failed.",
        "counter", [](const storage::AgentStats& s) { return static_cast<double>(s.checkpoint_deletions_failed_total); });
  family("prometheus_agent_checkpoint_deletions_total", "Total number of checkpoint deletions attempted.", "counter",
        [](const storage::AgentStats& s) { return static_cast<double>(s.checkpoint_deletions_total); });
  family("prometheus_agent_checkpoint_creations_failed_total", "Total number of checkpoint creations that failed.",
        "counter", [](const storage::AgentStats& s) { return static_cast<double>(s.checkpoint_creations_failed_total); });
  family("prometheus_agent_checkpoint_creations_total", "Total number of checkpoint creations attempted.", "counter",
        [](const storage::AgentStats& s) { return static_cast<double>(s.checkpoint_creations_total); });
  // Cairn's own: the bytes of WAL segments on disk, so a WAL that does not
  // shrink once sent shows.
  family("cairn_agent_wal_segments_bytes", "Bytes of the agent's WAL segment files on disk.", "gauge",
        [](const storage::AgentStats& s) { return static_cast<double>(s.wal_bytes); });
}

}  // namespace cairn::server
