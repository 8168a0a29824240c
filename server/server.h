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

#include "server/api/api_v1.h"
#include "server/flags.h"
#include "server/http/http_server.h"
#include "server/http/router.h"
#include "server/metadata_store.h"
#include "server/self_metrics.h"
#include "server/server_state.h"
#include "storage/appender.h"
#include "storage/queryable.h"
#include "util/clock.h"

namespace cairn::server {

struct ServerOptions {
  ServerFlags flags;
  Clock* clock = &SystemClock::Default();
  // Storage to serve instead of the one the server opens itself (tests).
  // Both or neither; they must outlive the Server.
  storage::Queryable* queryable = nullptr;
  storage::Appendable* appendable = nullptr;
  // Replaces the PromQL selector parser for match[] (tests).
  api::SelectorParser parse_selector;
  int http_threads = 4;
};

class Server {
 public:
  ~Server();  // Stop()

  // Starts serving HTTP, opens storage, then reports ready.
  Status Start();
  // Graceful: not ready, stop accepting, finish requests in flight, close storage.
  void Stop();
  // Re-reads --config.file. On error the old configuration stays in force.
  Status Reload();

  uint16_t http_port() const { return http_ ? http_->port() : 0; }
  const ServerState& state() const { return *state_; }

 private:
  friend Result<std::unique_ptr<Server>> BuildServer(ServerOptions options);
  explicit Server(ServerOptions options);
  void RegisterRoutes();
  StorageStats CollectStorageStats() const;

  ServerOptions options_;
  std::unique_ptr<storage::Queryable> owned_storage_;
  storage::Queryable* queryable_ = nullptr;
  storage::Appendable* appendable_ = nullptr;
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<SelfMetrics> metrics_;
  MetadataStore metadata_;
  std::unique_ptr<api::ApiV1> api_;
  http::Router router_;
  std::unique_ptr<http::HttpServer> http_;
  std::mutex reload_mu_;
  bool started_ = false;
};

// Loads the configuration named by the flags and builds (but does not start)
// the server. Errors: the config file cannot be read or parsed.
Result<std::unique_ptr<Server>> BuildServer(ServerOptions options);

}  // namespace cairn::server
