// Federation: GET|POST /federate, the newest sample of every local series
// matching any match[] selector, in the text exposition format 0.0.4, so that
// another Prometheus (or Cairn) can scrape a selection of this server's data
// (COMPAT.md §1; Prometheus' web/federate.go is the reference).
//
// What it answers, as Prometheus does:
//   - no match[]: 200 with an empty body; a selector that does not parse: 400
//     with the parser's message as plain text;
//   - per series, the newest sample in [now - lookback delta, now]; a series
//     whose newest sample is a stale marker is left out (the formats cannot
//     carry one);
//   - series grouped per metric name, each group headed "# TYPE <name>
//     untyped", groups in name order; nameless series are skipped;
//   - metric and label names that are not valid legacy names (UTF-8 names)
//     are written with '_' for each invalid rune, as Prometheus 3 serves a
//     scraper that does not ask for UTF-8 names (2.42 wrote them raw, making
//     the answer unparseable);
//   - the configured external labels are appended to a series that lacks
//     them, after its own labels, in name order; `instance` is always among
//     them (with an empty value when not configured), so a scraper with
//     honor_labels: false cannot mistake the federating server's address for
//     the series' origin.
// Reads local storage only (never remote_read), like upstream's localStorage.
// Thread-safety: Handle() may run concurrently; dependencies must be
// thread-safe and outlive the Federation.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "server/api/api_v1.h"
#include "server/http/router.h"
#include "server/server_state.h"
#include "storage/labels.h"
#include "storage/queryable.h"
#include "storage/sample.h"
#include "util/clock.h"

namespace cairn::server {

// One series' newest sample, as /federate exposes it.
struct FederatedSample {
  storage::Labels labels;
  storage::Sample sample;
};

// The body of a federation answer in text format 0.0.4. `samples` must be
// sorted by metric name (Federation::Collect's order). External labels are
// appended as described above; labels with empty values are never written
// except an added, unconfigured `instance`.
std::string WriteFederationText(const std::vector<FederatedSample>& samples,
                                const storage::Labels& external_labels);

struct FederationDeps {
  storage::Queryable* queryable = nullptr;  // local storage; required
  Clock* clock = nullptr;                   // required
  const ServerState* state = nullptr;       // readiness and external labels; required
  api::SelectorParser parse_selector;       // required
  int64_t lookback_delta_ms = 300000;       // --query.lookback-delta
};

class Federation {
 public:
  explicit Federation(FederationDeps deps) : deps_(std::move(deps)) {}

  // Adds GET and POST /federate; `this` must outlive the router's use.
  void Register(http::Router& router);

  http::HttpResponse Handle(const http::HttpRequest& req);

  // The newest non-stale sample of every series matching any of `match_sets`
  // in [now_ms - lookback, now_ms], each series once, sorted by metric name
  // and then by labels. Counts the storage's warnings. Errors: the storage's.
  Result<std::vector<FederatedSample>> Collect(const std::vector<storage::Matchers>& match_sets, int64_t now_ms);

  // prometheus_web_federation_errors_total / _warnings_total.
  uint64_t errors_total() const { return errors_.load(); }
  uint64_t warnings_total() const { return warnings_.load(); }

 private:
  FederationDeps deps_;
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> warnings_{0};
};

}  // namespace cairn::server
