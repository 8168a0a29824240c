// ApiV1: the Prometheus HTTP API v1 handlers (COMPAT.md §1) over narrow
// dependencies: a Queryable to read, a selector parser for match[], the
// server's state and metadata store, and (once set) a query engine seam.
//
// Every handler parses parameters Go-FormValue style (URL query merged with an
// urlencoded POST body, body wins), answers the §1.2 envelope, and maps errors
// through ApiErrorFor(). Until the server is ready, API routes answer a
// plain-text 503 as upstream does.
// Thread-safety: handlers may run concurrently; dependencies must be
// thread-safe and outlive the ApiV1.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/api/api_response.h"
#include "server/api/params.h"
#include "server/http/router.h"
#include "server/metadata_store.h"
#include "server/server_state.h"
#include "storage/cardinality.h"
#include "storage/matcher.h"
#include "storage/queryable.h"
#include "util/clock.h"

namespace cairn::server::api {

// Head block figures for status/tsdb (headStats) and runtimeinfo.
struct HeadStats {
  int64_t num_series = 0;
  int64_t chunk_count = 0;
  int64_t min_time_ms = 0;
  int64_t max_time_ms = 0;
};

// Turns one match[] selector into matchers (promql::ParseMetricSelector in
// production). Errors are InvalidArgument carrying the parser's message.
using SelectorParser = std::function<Result<storage::Matchers>(std::string_view)>;

// Evaluates PromQL for /api/v1/query and /api/v1/query_range and writes the
// "data" object; see QueryHandlers. Unset until the engine is wired.
struct QueryRequest {
  std::string query;
  bool range = false;
  int64_t time_ms = 0;            // instant queries
  int64_t start_ms = 0, end_ms = 0, step_ms = 0;  // range queries
  int64_t timeout_ms = 0;
  int64_t lookback_delta_ms = 0;  // 0 = server default
  uint64_t limit = 0;             // 0 = no limit on series returned
  std::string stats;              // "", "true" or "all"
  // Turns true when the client went away; the evaluation is then canceled.
  // May be null.
  std::shared_ptr<const std::atomic<bool>> cancel;
  double queue_seconds = 0;       // time spent waiting for an executor slot (stats)
};
struct QueryAnswer {
  // Writes the value of "data", offering `flush` between series so a large
  // result can go out in pieces; stops early when `flush` returns false. It
  // owns the evaluated result, so the handler renders it straight into the
  // response instead of copying a pre-rendered string.
  StreamedData write_data;
  std::vector<std::string> warnings, infos;
};
using QueryRunner = std::function<Result<QueryAnswer>(const QueryRequest&)>;
// Pretty-prints an expression for /api/v1/format_query.
using QueryFormatter = std::function<Result<std::string>(std::string_view)>;
// Renders an expression's syntax tree as JSON for /api/v1/parse_query.
using QueryTreeWriter = std::function<Result<std::string>(std::string_view)>;
// Parses an expression and tells whether it selects any series
// (/api/v1/query_exemplars answers null for one that does not).
using SelectorCheck = std::function<Result<bool>(std::string_view)>;

struct ApiDeps {
  storage::Queryable* queryable = nullptr;  // required
  Clock* clock = nullptr;                   // required
  ServerState* state = nullptr;             // required
  MetadataStore* metadata = nullptr;        // required
  SelectorParser parse_selector;            // match[] answers unavailable without it
  std::function<HeadStats()> head_stats;    // optional; derived from the queryable when unset
  // Cardinality of every series from the storage's index (lists cut to the
  // argument). Optional: /api/v1/status/tsdb without match[] scans the
  // queryable's series when unset.
  std::function<storage::CardinalityStats(size_t limit)> index_stats;
  QueryRunner run_query;                    // optional; query endpoints answer unavailable without it
  QueryFormatter format_query;              // optional, likewise
  QueryTreeWriter parse_query;              // optional, likewise
  SelectorCheck has_selectors;              // optional; query_exemplars skips the check without it
  // Runs query evaluation off the HTTP I/O threads (the server's
  // QueryExecutor). Optional: queries run inline on the handler's thread
  // without it.
  std::function<void(std::function<void()>)> offload;
  // --query.timeout and --query.lookback-delta.
  int64_t query_timeout_ms = 120000;
  int64_t lookback_delta_ms = 300000;
};

class ApiV1 {
 public:
  explicit ApiV1(ApiDeps deps);

  // Adds every /api/v1 route to `router`. `this` must outlive the router's use.
  void Register(http::Router& router);

  // The merged form of a request (URL query, then urlencoded POST body whose
  // values win). Exposed for tests.
  static Form ParseForm(const http::HttpRequest& req);

  // head_stats() when set, else a full scan of the queryable.
  HeadStats ComputeHeadStats() const;
  // Cardinality of the series any of `match_sets` selects (every series
  // when empty) by reading them from the queryable: match[] answers, and
  // storages without index_stats.
  Result<storage::CardinalityStats> ScanCardinality(const std::vector<storage::Matchers>& match_sets,
                                                        size_t limit) const;

 private:
  http::HttpResponse Series(const http::HttpRequest& req);
  http::HttpResponse Labels(const http::HttpRequest& req);
  http::HttpResponse LabelValues(const http::HttpRequest& req);
  // Label names or values: the sorted union of `list` over every match[] set
  // (all series when there is none) in the request's window, cut to `limit`.
  using ListFn = std::function<Result<std::vector<std::string>>(storage::Querier&, const storage::Matchers&)>;
  http::HttpResponse SortedUnion(const Form& form, const ListFn& list);
  // The parameters series, labels and label values share — start/end, limit,
  // match[] — and a Querier over that window.
  struct MetadataQuery {
    int64_t start_ms = 0;
    int64_t end_ms = 0;
    uint64_t limit = 0;
    std::vector<storage::Matchers> match_sets;
    std::unique_ptr<storage::Querier> querier;
  };
  Result<MetadataQuery> OpenMetadataQuery(const Form& form) const;
  http::HttpResponse Metadata(const http::HttpRequest& req);
  http::HttpResponse QueryExemplars(const http::HttpRequest& req);
  http::HttpResponse Query(const http::HttpRequest& req, bool range);
  http::HttpResponse FormatQuery(const http::HttpRequest& req);
  http::HttpResponse ParseQuery(const http::HttpRequest& req);
  http::HttpResponse BuildInfo(const http::HttpRequest& req);
  http::HttpResponse Flags(const http::HttpRequest& req);
  http::HttpResponse ConfigStatus(const http::HttpRequest& req);
  http::HttpResponse RuntimeInfo(const http::HttpRequest& req);
  http::HttpResponse TsdbStatus(const http::HttpRequest& req);

  // Parses every match[] value; each selector needs a matcher that does not
  // match the empty string.
  Result<std::vector<storage::Matchers>> ParseMatchSets(const Form& form) const;
  // start/end with Prometheus' min/max defaults.
  static Result<std::pair<int64_t, int64_t>> ParseRange(const Form& form);

  ApiDeps deps_;
};

}  // namespace cairn::server::api
