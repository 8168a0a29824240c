#include "server/server.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include "server/admin_ops.h"
#include "server/alert_sender.h"
#include "server/grpc/grpc_credentials.h"
#include "server/api/api_error.h"
#include "server/config.h"
#include "server/web_ui.h"
#include "promql/parser/parser.h"

namespace cairn::server {
namespace {

constexpr std::chrono::milliseconds kNotifierDrainTimeout{5000};

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() {
  Stop();
  // A server whose Start() failed (a bad --web.config.file, a port in use)
  // was never stopped; its DB consults remote_ (WAL kept for the queues)
  // while closing, so it closes here, before remote_ is destroyed.
  if (db_) {
    Status st = db_->Close();
    if (!st.ok()) std::fprintf(stderr, "cairn: closing storage: %s\n", st.ToString().c_str());
  }
}

Result<std::unique_ptr<Server>> BuildServer(ServerOptions options) {
  auto config = LoadConfigFile(options.flags.config_file);
  if (!config.ok()) return config.status();
  std::unique_ptr<Server> s(new Server(std::move(options)));
  s->state_ = std::make_unique<ServerState>(s->options_.clock->NowMs(), s->options_.flags.values);
  s->state_->ConfigLoaded(std::move(config).value(), s->options_.clock->NowMs());

  if (s->options_.queryable != nullptr) {
    s->queryable_ = s->options_.queryable;
    s->appendable_ = s->options_.appendable;
    s->chunk_queryable_ = s->options_.chunk_queryable;
  } else if (s->options_.flags.agent) {
    CAIRN_RETURN_IF_ERROR(s->OpenAgentStorage());
  } else {
    const Config cfg = s->state_->config();
    storage::DBOptions db_opts;
    db_opts.path = s->options_.flags.tsdb_path;
    // storage.tsdb.retention in the file takes precedence over the flags.
    db_opts.retention_ms = cfg.retention_time_ms.value_or(s->options_.flags.retention_time_ms);
    db_opts.retention_bytes = cfg.retention_size_bytes.value_or(s->options_.flags.retention_size_bytes);
    db_opts.min_free_disk_bytes = static_cast<uint64_t>(s->options_.flags.min_free_disk_bytes);
    db_opts.block_cache_bytes = static_cast<uint64_t>(s->options_.flags.block_cache_bytes);
    db_opts.max_series = static_cast<uint64_t>(s->options_.flags.max_series);
    db_opts.fs = s->options_.storage_fs;
    // The queues exist before the DB opens: its first checkpoint must keep
    // the WAL their saved positions point into.
    remote::QueueOptions qo;
    qo.wal_dir = db_opts.path + "/wal";
    qo.state_dir = db_opts.path + "/remote_write";
    qo.metadata = [st = &s->metadata_] { return st->Snapshot(); };
    s->remote_ = std::make_unique<remote::RemoteStorage>(qo, cfg.remote_write);
    db_opts.wal_keep_from = [rs = s->remote_.get()] { return rs->KeepFromSegment(); };
    db_opts.wal_keep_max_bytes = static_cast<uint64_t>(s->options_.flags.remote_max_wal_retention_bytes);
    auto db = storage::DB::Open(db_opts, *s->options_.clock);
    if (!db.ok()) return db.status().WithContext("opening storage at " + db_opts.path);
    s->db_ = std::move(db).value();
    s->remote_->SetSeriesLabels([d = s->db_.get()](storage::SeriesRef ref) { return d->SeriesLabels(ref); });
    s->queryable_ = s->db_.get();
    s->appendable_ = s->db_.get();
    s->chunk_queryable_ = s->db_.get();
  }
  // Queries read local storage merged with the remote_read endpoints
  // (configured by Start() and Reload()).
  s->local_queryable_ = s->queryable_;
  s->merged_ = std::make_unique<remote::MergeQueryable>(*s->local_queryable_);
  s->queryable_ = s->merged_.get();
  s->query_runner_ =
      std::make_unique<QueryRunner>(s->engine_, *s->queryable_, s->options_.flags.query_max_samples,
                                    s->options_.flags.promql_delayed_name_removal);
  s->query_runner_->set_max_memory_bytes(s->options_.flags.query_max_memory_bytes);

  Server* raw = s.get();
  s->metrics_ = std::make_unique<SelfMetrics>(*s->state_, [raw] { return raw->CollectStorageStats(); });
  // Built here, configured by Start(): handlers and /metrics may read it from
  // the moment HTTP serves.
  scrape::ManagerOptions so;
  so.extra_metrics = s->options_.flags.extra_scrape_metrics;
  so.series_limit = s->options_.flags.max_series > 0;
  so.offset_seed = s->state_->config().external_labels.Hash();
  if (s->appendable_ != nullptr) {
    s->scrapes_ = std::make_unique<scrape::Manager>(*s->appendable_, &s->metadata_, *s->options_.clock, so);
    s->metrics_->AddScrapeManagerMetrics(*s->scrapes_, *s->options_.clock);
  }
  notifier::ManagerOptions no;
  no.queue.capacity = static_cast<size_t>(s->options_.flags.alertmanager_queue_capacity);
  no.queue.max_batch_size = static_cast<size_t>(s->options_.flags.alertmanager_batch_size);
  no.queue.drain_on_shutdown = s->options_.flags.alertmanager_drain_on_shutdown;
  s->notifier_ = std::make_unique<notifier::Manager>(no);
  s->metrics_->AddNotifierFigures([raw] { return raw->notifier_->Collect(); });
  if (s->remote_) {
    s->metrics_->AddRemoteWriteFigures([raw] { return raw->remote_->Figures(); },
                                       [raw] {
                                         return raw->agent_ ? raw->agent_->Stats().wal_segments_dropped_unread_total
                                                            : raw->db_->Stats().wal_segments_dropped_unread_total;
                                       });
  }
  s->metrics_->AddRemoteReadFigures([raw] { return raw->read_metrics_.Figures(); });
  if (s->agent_) s->AddAgentMetrics();
  s->alert_sender_ = std::make_unique<AlertSender>(*s->notifier_);
  // Agent mode evaluates no rules (rule_files is refused).
  if (!s->agent_) s->BuildRules();
  api::ApiDeps deps;
  deps.queryable = s->queryable_;
  deps.clock = s->options_.clock;
  deps.state = s->state_.get();
  deps.metadata = &s->metadata_;
  deps.parse_selector = s->options_.parse_selector ? s->options_.parse_selector
                                                  : api::SelectorParser(promql::parser::ParseMetricSelector);
  if (s->db_) {
    deps.head_stats = [raw] { return raw->CollectHeadStats(); };
    deps.index_stats = [raw](size_t limit) { return raw->db_->Cardinality(limit); };
  }
  deps.run_query = [raw](const api::QueryRequest& q) { return raw->query_runner_->Run(q); };
  s->query_executor_ = std::make_unique<QueryExecutor>(static_cast<int>(s->options_.flags.query_max_concurrency));
  deps.offload = [raw](std::function<void()> task) { raw->query_executor_->Submit(std::move(task)); };
  s->metrics_->AddQueryFigures([raw] {
    QueryFigures f;
    f.active = raw->query_executor_ ? raw->query_executor_->active() : 0;
    f.max_concurrency = raw->options_.flags.query_max_concurrency;
    f.canceled_total = raw->query_runner_->canceled_total();
    f.waiting = raw->query_executor_ ? raw->query_executor_->waiting() : 0;
    if (raw->query_executor_) {
      f.queue_wait = [raw](const std::vector<double>& ranks) { return raw->query_executor_->QueueWait(ranks); };
    }
    return f;
  });
  s->metrics_->AddScrapeFigures([raw] {
    std::vector<SelfMetrics::PoolTargets> out;
    if (!raw->scrapes_) return out;
    std::map<std::string, SelfMetrics::PoolTargets> by_job;
    for (const auto& name : raw->scrapes_->PoolNames()) by_job[name].job = name;
    for (const auto& t : raw->scrapes_->ActiveTargets()) by_job[t.pool].active++;
    for (const auto& [name, n] : raw->scrapes_->DroppedTargetCounts()) {
      by_job[name].discovered += static_cast<int64_t>(n);
    }
    for (auto& [name, p] : by_job) {
      p.job = name;
      p.discovered += p.active;
      out.push_back(p);
    }
    return out;
  });
  deps.format_query = &QueryRunner::Format;
  deps.parse_query = &QueryRunner::ParseTree;
  deps.has_selectors = &QueryRunner::HasSelectors;
  deps.query_timeout_ms = s->options_.flags.query_timeout_ms;
  deps.lookback_delta_ms = s->options_.flags.lookback_delta_ms;
  s->api_ = std::make_unique<api::ApiV1>(std::move(deps));
  FederationDeps fed;
  fed.queryable = s->queryable_;
  fed.clock = s->options_.clock;
  fed.state = s->state_.get();
  fed.parse_selector = s->options_.parse_selector ? s->options_.parse_selector
                                                 : api::SelectorParser(promql::parser::ParseMetricSelector);
  fed.lookback_delta_ms = s->options_.flags.lookback_delta_ms;
  s->federation_ = std::make_unique<Federation>(std::move(fed));
  s->metrics_->AddFamily("prometheus_web_federation_errors_total",
                         "Total number of errors that occurred while sending federation responses.", "counter",
                         [raw](std::vector<metrics::MetricSample>* out) {
                           out->push_back({"", {}, static_cast<double>(raw->federation_->errors_total())});
                         });
  s->metrics_->AddFamily("prometheus_web_federation_warnings_total",
                         "Total number of warnings that occurred while sending federation responses.", "counter",
                         [raw](std::vector<metrics::MetricSample>* out) {
                           out->push_back({"", {}, static_cast<double>(raw->federation_->warnings_total())});
                         });
  s->RegisterRoutes();
  return s;
}

StorageStats Server::CollectStorageStats() const {
  StorageStats st;
  if (agent_) return st;  // no TSDB: the prometheus_agent_* families say what there is
  if (db_) {
    storage::DBStats d = db_->Stats();
    st.head_series = static_cast<int64_t>(d.head_series);
    st.head_chunks = static_cast<int64_t>(d.chunks_in_head);
    st.samples_appended_total = static_cast<int64_t>(d.samples_appended_total);
    st.series_created_total = static_cast<int64_t>(d.series_created_total);
    st.out_of_order_samples_total = static_cast<int64_t>(d.out_of_order_samples_total);
    st.duplicate_samples_total = static_cast<int64_t>(d.duplicate_samples_total);
    st.wal_fsyncs_total = static_cast<int64_t>(d.wal_fsyncs_total);
    st.wal_fsync_seconds_total = d.wal_fsync_seconds_total;
    st.min_time_ms = d.min_time_ms;
    st.max_time_ms = d.max_time_ms;
    st.disk_bytes = static_cast<int64_t>(d.disk_bytes);
    st.series_limit_refused_total = static_cast<int64_t>(d.series_limit_refused_total);
    st.bytes_written = {{"wal", static_cast<double>(d.wal_bytes_written_total)},
                        {"checkpoint", static_cast<double>(d.checkpoint_bytes_total)},
                        {"rocksdb_log", static_cast<double>(d.store_log_bytes_total)},
                        {"rocksdb_flush", static_cast<double>(d.store_flush_bytes_total)},
                        {"rocksdb_compaction", static_cast<double>(d.store_compaction_bytes_total)}};
    return st;
  }
  // Injected storage: count what a full scan sees.
  api::HeadStats h = api_->ComputeHeadStats();
  st.head_series = h.num_series;
  st.min_time_ms = h.min_time_ms;
  st.max_time_ms = h.max_time_ms;
  return st;
}

api::HeadStats Server::CollectHeadStats() const {
  storage::DBStats d = db_->Stats();
  api::HeadStats h;
  h.num_series = static_cast<int64_t>(d.head_series);
  h.chunk_count = static_cast<int64_t>(d.chunks_in_head);
  h.min_time_ms = d.min_time_ms;
  h.max_time_ms = d.max_time_ms;
  return h;
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
  if (agent_) RegisterAgentRefusals();
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
  federation_->Register(router_);
  RegisterRemoteRoutes();
  RegisterAdminRoutes();
  RegisterScrapeRoutes();
  RegisterRuleRoutes();
  RegisterAlertingRoutes();
  api_->Register(router_);
  const std::string route_prefix = http::NormalizeRoutePrefix(options_.flags.route_prefix, options_.flags.external_url);
  router_.SetPrefix(route_prefix);
  // Browsers reach the pages under the external URL's path when one is
  // given (a proxy may strip it before Cairn sees the request), else under
  // the route prefix.
  const std::string page_prefix = options_.flags.external_url.empty()
                                      ? route_prefix
                                      : http::NormalizeRoutePrefix("", options_.flags.external_url);
  RegisterWebUi(router_, page_prefix);
}

Status Server::Start() {
  if (!options_.flags.web_config_file.empty() && !web_config_) {
    auto source = webconfig::WebConfigSource::Open(options_.flags.web_config_file);
    if (!source.ok()) {
      return Status::InvalidArgument("unable to validate web configuration file: " + source.status().message());
    }
    web_config_ = std::move(*source);
  }
  http::HttpServerOptions ho;
  ho.listen_address = options_.flags.listen_address;
  ho.threads = options_.http_threads;
  ho.web_config = web_config_.get();
  ho.max_connections = static_cast<size_t>(options_.flags.web_max_connections);
  ho.read_header_timeout = std::chrono::milliseconds(options_.flags.web_read_header_timeout_ms);
  ho.read_timeout = std::chrono::milliseconds(options_.flags.web_read_timeout_ms);
  ho.idle_timeout = std::chrono::milliseconds(options_.flags.web_idle_timeout_ms);
  http_ = std::make_unique<http::HttpServer>(ho, router_);
  CAIRN_RETURN_IF_ERROR(http_->Start());
  started_ = true;
  if (!options_.flags.grpc_listen_address.empty()) {
    grpc::GrpcDeps gd;
    gd.appendable = appendable_;
    gd.chunk_queryable = chunk_queryable_;
    gd.db = db_.get();
    gd.metadata = &metadata_;
    gd.clock = options_.clock;
    gd.parse_selector = options_.parse_selector ? options_.parse_selector
                                                : api::SelectorParser(promql::parser::ParseMetricSelector);
    gd.external_labels = [this] { return state_->config().external_labels; };
    gd.data_dir = options_.flags.tsdb_path;
    gd.max_bytes_in_frame = static_cast<size_t>(options_.flags.remote_read_max_bytes_in_frame);
    gd.label_limits = LabelLimitsOf(options_.flags);
    auto credentials = grpc::GrpcCredentials(web_config_.get());
    if (!credentials.ok()) {
      Stop();
      return credentials.status();
    }
    gd.credentials = std::move(*credentials);
    grpc_ = std::make_unique<grpc::GrpcServer>(std::move(gd));
    Status st = grpc_->Start(options_.flags.grpc_listen_address);
    if (!st.ok()) {
      grpc_.reset();
      Stop();
      return st;
    }
  }
  if (scrapes_) {
    if (Status st = scrapes_->ApplyConfig(state_->config().scrape_configs); !st.ok()) {
      Stop();
      return st;
    }
  }
  if (Status st = notifier_->ApplyConfig(state_->config().alerting, state_->config().external_labels); !st.ok()) {
    Stop();
    return st;
  }
  if (Status st = ApplyRemoteRead(state_->config()); !st.ok()) {
    Stop();
    return st;
  }
  if (remote_) {
    if (Status st = remote_->ApplyConfig(state_->config().remote_write, state_->config().external_labels); !st.ok()) {
      Stop();
      return st;
    }
  }
  if (rules_) {
    if (Status st = ApplyRules(state_->config()); !st.ok()) {
      Stop();
      return st;
    }
    rules_->Start();
  }
  state_->set_ready(true);
  return Status::OK();
}

void Server::Stop() {
  if (!started_) return;
  started_ = false;
  state_->set_ready(false);
  // Scrapes end first (quietly, as upstream at shutdown): nothing appends
  // once storage starts closing.
  if (scrapes_) scrapes_->Stop();
  if (rules_) rules_->Stop();
  // Alerts already queued still go out, within a short deadline so a dead
  // Alertmanager cannot hold up shutdown (upstream drains without one).
  notifier_->Stop(kNotifierDrainTimeout);
  http_->Stop();
  // Queries still queued or running finish before storage closes.
  query_executor_.reset();
  if (grpc_) grpc_->Stop();
  // Queues send what the WAL holds (scrapes and receivers have stopped, so
  // it is final) within --storage.remote.flush-deadline, as Prometheus
  // does; what they could not send goes out after the next start, from
  // their saved WAL positions.
  if (remote_) remote_->Stop(options_.flags.remote_flush_deadline_ms);
  if (db_) {
    Status st = db_->Close();
    if (!st.ok()) std::fprintf(stderr, "cairn: closing storage: %s\n", st.ToString().c_str());
  }
  if (agent_) {
    Status st = agent_->Close();
    if (!st.ok()) std::fprintf(stderr, "cairn: closing agent storage: %s\n", st.ToString().c_str());
  }
}

void Server::RegisterAdminRoutes() {
  // Admin endpoints exist upstream only with --web.enable-admin-api; without
  // it they answer the `unavailable` error type.
  auto admin = [this](std::function<http::HttpResponse(const http::HttpRequest&)> fn) {
    return [this, fn = std::move(fn)](const http::HttpRequest& req) {
      if (!options_.flags.enable_admin_api) return api::ApiFailure(Status::Unavailable("admin APIs disabled"));
      if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
      if (!db_) return api::ApiFailure(Status::Unavailable("admin operations need the storage engine"));
      return fn(req);
    };
  };
  router_.Add("/api/v1/admin/tsdb/snapshot", {"POST", "PUT"}, admin([this](const http::HttpRequest&) {
                auto name = TakeSnapshot(*db_, options_.flags.tsdb_path, options_.clock->NowMs());
                if (!name.ok()) return api::ApiFailure(name.status());
                return api::ApiSuccess([&](JsonWriter& w) {
                  w.BeginObject();
                  w.Key("name");
                  w.String(*name);
                  w.EndObject();
                });
              }));
  router_.Add("/api/v1/admin/tsdb/delete_series", {"POST", "PUT"}, admin([this](const http::HttpRequest& req) {
                api::Form form = api::ApiV1::ParseForm(req);
                int64_t start = api::kMinTimeMs, end = api::kMaxTimeMs;
                for (auto [key, target] : {std::pair<const char*, int64_t*>{"start", &start}, {"end", &end}}) {
                  if (auto v = form.Get(key); v && !v->empty()) {
                    auto t = api::ParseTime(*v);
                    if (!t.ok()) {
                      return api::ApiFailure(api::InvalidParam(key, t.status().message()));
                    }
                    *target = *t;
                  }
                }
                auto parse = options_.parse_selector ? options_.parse_selector
                                                     : api::SelectorParser(promql::parser::ParseMetricSelector);
                Status st = DeleteSeries(*db_, parse, form.GetAll("match[]"), start, end);
                if (!st.ok()) return api::ApiFailure(st);
                return api::ApiNoContent();
              }));
  router_.Add("/api/v1/admin/tsdb/clean_tombstones", {"POST", "PUT"}, admin([this](const http::HttpRequest&) {
                // Prometheus answers 204 once deleted data is gone from disk.
                auto r = db_->CleanTombstones();
                if (!r.ok()) return api::ApiFailure(r.status());
                return api::ApiNoContent();
              }));
  // Cairn's own admin endpoints (cairnctl uses them; Prometheus has none).
  router_.Add("/api/v1/admin/tsdb/compact", {"POST", "PUT"}, admin([this](const http::HttpRequest&) {
                auto r = CompactStorage(*db_);
                if (!r.ok()) return api::ApiFailure(r.status());
                return api::ApiSuccess([&](JsonWriter& w) {
                  w.BeginObject();
                  w.Key("bytesBefore");
                  w.Uint(r->bytes_before);
                  w.Key("bytesAfter");
                  w.Uint(r->bytes_after);
                  w.EndObject();
                });
              }));
  router_.Add("/api/v1/admin/tsdb/snapshots", {"GET", "DELETE"}, admin([this](const http::HttpRequest& req) {
                const std::string& dir = options_.flags.tsdb_path;
                if (req.method == "DELETE") {
                  auto name = api::ApiV1::ParseForm(req).Get("name");
                  if (!name) return api::ApiFailure(api::InvalidParam("name", "missing"));
                  Status st = RemoveSnapshot(dir, *name);
                  if (!st.ok()) return api::ApiFailure(st);
                  return api::ApiNoContent();
                }
                auto list = ListSnapshots(dir);
                if (!list.ok()) return api::ApiFailure(list.status());
                return api::ApiSuccess([&](JsonWriter& w) {
                  w.BeginArray();
                  for (const SnapshotInfo& info : *list) {
                    w.BeginObject();
                    w.Key("name");
                    w.String(info.name);
                    w.Key("bytes");
                    w.Uint(info.bytes);
                    w.Key("createdMs");
                    w.Int(info.created_ms);
                    w.EndObject();
                  }
                  w.EndArray();
                });
              }));
}

Status Server::Reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  auto config = LoadConfigFile(options_.flags.config_file);
  if (config.ok() && agent_) {
    if (Status st = CheckAgentConfig(*config); !st.ok()) config = st;
  }
  if (!config.ok()) {
    state_->ConfigLoadFailed();
    return config.status();
  }
  // Rule files are loaded first: a bad one refuses the whole reload, and
  // the rules in force keep running.
  if (rules_) {
    if (Status st = ApplyRules(*config); !st.ok()) {
      state_->ConfigLoadFailed();
      return st;
    }
  }
  // A config the scrape manager cannot apply (e.g. an unreadable CA file)
  // is refused like a parse error; the old one stays in force.
  if (scrapes_) {
    if (Status st = scrapes_->ApplyConfig(config->scrape_configs); !st.ok()) {
      state_->ConfigLoadFailed();
      return st;
    }
  }
  if (Status st = notifier_->ApplyConfig(config->alerting, config->external_labels); !st.ok()) {
    state_->ConfigLoadFailed();
    return st;
  }
  if (Status st = ApplyRemoteRead(*config); !st.ok()) {
    state_->ConfigLoadFailed();
    return st;
  }
  if (remote_) {
    if (Status st = remote_->ApplyConfig(config->remote_write, config->external_labels); !st.ok()) {
      state_->ConfigLoadFailed();
      return st;
    }
  }
  state_->ConfigLoaded(std::move(config).value(), options_.clock->NowMs());
  return Status::OK();
}

}  // namespace cairn::server
