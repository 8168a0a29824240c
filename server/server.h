// Server: everything `cairn` runs, wired from flags and prometheus.yml —
// storage, the HTTP router with lifecycle endpoints, /metrics, the API v1
// handlers, remote write/read — with a start/stop/reload lifecycle. main.cc
// only parses flags, calls BuildServer() and forwards signals.
//
//   auto server = BuildServer(ServerOptions{.flags = flags});
//   if (!server.ok()) ...;               // bad config: exit 1
//   CAIRN_RETURN_IF_ERROR((*server)->Start());
//   ... on SIGHUP: (*server)->Reload(); on SIGTERM: (*server)->Stop();
//
// Thread-safety: Start/Stop/Reload from one controlling thread (Reload is
// also called from the /-/reload handler and is internally serialized).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "ingest/series_ref_cache.h"
#include "notifier/manager.h"
#include "promql/engine.h"
#include "remote/merge_queryable.h"
#include "server/api/api_v1.h"
#include "server/federation.h"
#include "server/flags.h"
#include "server/grpc/grpc_server.h"
#include "server/http/http_server.h"
#include "server/http/router.h"
#include "server/metadata_store.h"
#include "server/query_executor.h"
#include "server/query_runner.h"
#include "remote/remote_storage.h"
#include "server/self_metrics.h"
#include "server/server_state.h"
#include "rules/manager.h"
#include "rules/notifier.h"
#include "scrape/manager.h"
#include "storage/agent/agent_db.h"
#include "storage/appender.h"
#include "storage/db.h"
#include "storage/queryable.h"
#include "util/clock.h"
#include "webconfig/web_config_source.h"

namespace cairn::server {

struct ServerOptions {
  ServerFlags flags;
  Clock* clock = &SystemClock::Default();
  // Storage to serve instead of the storage::DB the server opens at
  // --storage.tsdb.path (tests). They must outlive the Server.
  storage::Queryable* queryable = nullptr;
  storage::Appendable* appendable = nullptr;
  // For remote read's STREAMED_XOR_CHUNKS; /api/v1/read answers 501 without it.
  storage::ChunkQueryable* chunk_queryable = nullptr;
  // Replaces the PromQL selector parser for match[] (tests).
  api::SelectorParser parse_selector;
  // Where alerting rules send their alerts; null = the configured Alertmanagers
  // (the notifier built from alerting:).
  rules::AlertSender* alert_sender = nullptr;
  int http_threads = 4;
  // The file system under the storage engine; null = POSIX. Power-cut tests
  // put a fault-injecting one here (tests/integration/power_cut_server.cc).
  std::shared_ptr<storage::fs::FileSystem> storage_fs;
};

// The remote-write label limits the flags set (HTTP and gRPC).
ingest::LabelLimits LabelLimitsOf(const ServerFlags& f);

class Server {
 public:
  ~Server();  // Stop()

  // Starts serving HTTP, opens storage, then reports ready.
  Status Start();
  // Graceful: not ready, stop accepting, finish requests in flight, close
  // storage (DB::Close: WAL synced, head checkpointed).
  void Stop();
  // Re-reads --config.file. On error the old configuration stays in force.
  Status Reload();

  uint16_t http_port() const { return http_ ? http_->port() : 0; }
  // 0 when gRPC is off (--grpc.listen-address empty).
  int grpc_port() const { return grpc_ ? grpc_->port() : 0; }
  const ServerState& state() const { return *state_; }

 private:
  friend Result<std::unique_ptr<Server>> BuildServer(ServerOptions options);
  explicit Server(ServerOptions options);
  void RegisterRoutes();
  // POST /api/v1/write, /api/v1/push and /api/v1/read (server_remote.cc).
  void RegisterRemoteRoutes();
  // /api/v1/admin/tsdb/{snapshot,delete_series,clean_tombstones}.
  void RegisterAdminRoutes();
  // /api/v1/targets, /api/v1/scrape_pools, /api/v1/targets/metadata (server_scrape.cc).
  void RegisterScrapeRoutes();
  // /api/v1/rules and /api/v1/alerts (server_rules.cc).
  void RegisterRuleRoutes();
  // Builds the rule manager and registers its self-metrics (server_rules.cc).
  void BuildRules();
  // Loads the config's rule files into the rule manager; on error nothing
  // changes (server_rules.cc).
  Status ApplyRules(const Config& cfg);
  // Agent mode (server_agent.cc): opens the WAL-only storage and the queues
  // reading it; registers the refusals of every endpoint that reads stored
  // data (before the other routes); adds the prometheus_agent_* metrics.
  Status OpenAgentStorage();
  void RegisterAgentRefusals();
  void AddAgentMetrics();
  // /api/v1/alertmanagers (server_alerting.cc).
  void RegisterAlertingRoutes();
  http::HttpResponse RemoteWrite(const http::HttpRequest& req);
  http::HttpResponse RemoteRead(const http::HttpRequest& req);
  // Builds a client per remote_read entry and hands them to merged_; on error
  // (an unreadable CA file) nothing changes (server_remote_read.cc).
  Status ApplyRemoteRead(const Config& cfg);
  // When local storage holds data from (plus a margin), for remotes with
  // read_recent false.
  int64_t LocalStartTimeMs(int64_t margin_ms) const;
  StorageStats CollectStorageStats() const;
  api::HeadStats CollectHeadStats() const;

  ServerOptions options_;
  std::unique_ptr<storage::DB> db_;  // when no storage was injected, in server mode
  std::unique_ptr<storage::AgentDB> agent_;  // in agent mode
  // What queries read: local storage merged with the remote_read endpoints.
  // The remote_write queues (with db_ only: they tail its WAL); configured by
  // Start() and Reload(), stopped before db_ closes.
  std::unique_ptr<remote::RemoteStorage> remote_;
  storage::Queryable* queryable_ = nullptr;
  // Local storage alone: what /api/v1/read serves (never the remotes).
  storage::Queryable* local_queryable_ = nullptr;
  // What the remote_read clients count; outlives them (declared before
  // merged_, which holds them) and survives reloads.
  remote::ReadMetrics read_metrics_;
  std::unique_ptr<remote::MergeQueryable> merged_;
  storage::Appendable* appendable_ = nullptr;
  storage::ChunkQueryable* chunk_queryable_ = nullptr;
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<SelfMetrics> metrics_;
  MetadataStore metadata_;
  // Remote write's series refs by wire labels, shared by all connections
  // (entries are checked against storage before use, so they never go stale).
  ingest::SeriesRefCache remote_write_refs_;
  promql::Engine engine_;
  std::unique_ptr<QueryRunner> query_runner_;
  std::unique_ptr<api::ApiV1> api_;
  std::unique_ptr<Federation> federation_;  // GET|POST /federate
  http::Router router_;
  // --web.config.file, read by http_ and grpc_ (so declared before them).
  std::unique_ptr<webconfig::WebConfigSource> web_config_;
  std::unique_ptr<http::HttpServer> http_;
  std::unique_ptr<grpc::GrpcServer> grpc_;
  // Declared after http_: its threads may still answer HTTP sessions, so it
  // goes first (Stop() also drains it before storage closes).
  std::unique_ptr<QueryExecutor> query_executor_;
  // Scrapes the config's scrape_configs into appendable_; started by Start().
  std::unique_ptr<scrape::Manager> scrapes_;
  // Evaluates the config's rule_files into appendable_; started by Start().
  std::unique_ptr<rules::Manager> rules_;
  // Sends alerts to the config's Alertmanagers; configured by Start() and
  // Reload(), stopped (draining its queues briefly) after rule evaluation.
  std::unique_ptr<notifier::Manager> notifier_;
  // The rule manager's way into notifier_ (unless ServerOptions names one).
  std::unique_ptr<rules::AlertSender> alert_sender_;
  std::mutex reload_mu_;
  bool started_ = false;
};

// Loads the configuration named by the flags, opens storage (unless injected)
// and builds, but does not start, the server. Errors: the config file cannot
// be read or parsed (InvalidArgument/IOError); storage fails to open.
Result<std::unique_ptr<Server>> BuildServer(ServerOptions options);

}  // namespace cairn::server
