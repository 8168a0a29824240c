#include "server/server.h"

#include <signal.h>
#include <unistd.h>

#include "server/config.h"
#include "storage/memory_storage.h"

namespace cairn::server {

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> BuildServer(ServerOptions options) {
  auto config = LoadConfigFile(options.flags.config_file);
  if (!config.ok()) return config.status();
  std::unique_ptr<Server> s(new Server(std::move(options)));
  s->state_ = std::make_unique<ServerState>(s->options_.clock->NowMs(), s->options_.flags.values);
  s->state_->ConfigLoaded(std::move(config).value(), s->options_.clock->NowMs());

  if (s->options_.queryable != nullptr) {
    s->queryable_ = s->options_.queryable;
    s->appendable_ = s->options_.appendable;
  } else {
    auto mem = std::make_unique<storage::MemoryStorage>();
    s->queryable_ = mem.get();
    s->appendable_ = mem.get();
    s->owned_storage_ = std::move(mem);
  }

  Server* raw = s.get();
  s->metrics_ = std::make_unique<SelfMetrics>(*s->state_, [raw] { return raw->CollectStorageStats(); });
  api::ApiDeps deps;
  deps.queryable = s->queryable_;
  deps.clock = s->options_.clock;
  deps.state = s->state_.get();
  deps.metadata = &s->metadata_;
  deps.parse_selector = s->options_.parse_selector;
  deps.query_timeout_ms = s->options_.flags.query_timeout_ms;
  deps.lookback_delta_ms = s->options_.flags.lookback_delta_ms;
  s->api_ = std::make_unique<api::ApiV1>(std::move(deps));
  s->RegisterRoutes();
  return s;
}

StorageStats Server::CollectStorageStats() const {
  StorageStats st;
  if (auto* mem = dynamic_cast<storage::MemoryStorage*>(queryable_)) {
    st.head_series = static_cast<int64_t>(mem->NumSeries());
  }
  return st;
}

void Server::RegisterRoutes() {
  router_.SetObserver([this](std::string_view handler, int code, double seconds) {
    metrics_->ObserveRequest(handler, code, seconds);
  });
  router_.Add("/-/healthy", {"GET"}, [](const http::HttpRequest&) {
    return http::HttpResponse::Text(200, "Cairn Server is Healthy.\n");
  });
  router_.Add("/-/ready", {"GET"}, [this](const http::HttpRequest&) {
    if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    return http::HttpResponse::Text(200, "Cairn Server is Ready.\n");
  });
  router_.Add("/-/reload", {"POST", "PUT"}, [this](const http::HttpRequest&) {
    if (!options_.flags.enable_lifecycle) return http::HttpResponse::Text(403, "Lifecycle API is not enabled.");
    Status st = Reload();
    if (!st.ok()) return http::HttpResponse::Text(500, "failed to reload config: " + st.message() + "\n");
    return http::HttpResponse::Text(200, "");
  });
  router_.Add("/-/quit", {"POST", "PUT"}, [this](const http::HttpRequest&) {
    if (!options_.flags.enable_lifecycle) return http::HttpResponse::Text(403, "Lifecycle API is not enabled.");
    // main() waits for SIGTERM; the same path as an operator's kill.
    ::kill(::getpid(), SIGTERM);
    return http::HttpResponse::Text(200, "Requesting termination... Goodbye!");
  });
  router_.Add("/metrics", {"GET"}, [this](const http::HttpRequest&) {
    http::HttpResponse r = http::HttpResponse::Text(200, metrics_->Render());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  });
  api_->Register(router_);
}

Status Server::Start() {
  http::HttpServerOptions ho;
  ho.listen_address = options_.flags.listen_address;
  ho.threads = options_.http_threads;
  http_ = std::make_unique<http::HttpServer>(ho, router_);
  CAIRN_RETURN_IF_ERROR(http_->Start());
  started_ = true;
  state_->set_ready(true);
  return Status::OK();
}

void Server::Stop() {
  if (!started_) return;
  started_ = false;
  state_->set_ready(false);
  http_->Stop();
}

Status Server::Reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  auto config = LoadConfigFile(options_.flags.config_file);
  if (!config.ok()) {
    state_->ConfigLoadFailed();
    return config.status();
  }
  state_->ConfigLoaded(std::move(config).value(), options_.clock->NowMs());
  return Status::OK();
}

}  // namespace cairn::server
