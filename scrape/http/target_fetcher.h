// TargetFetcher: one target's scrape GET, asynchronous on an Asio executor
// the caller owns, over a connection kept alive between scrapes. It is the
// part of Prometheus' targetScraper (scrape/scrape.go: scrape and
// readResponse) that talks HTTP; parsing and appending stay with the loop.
//
// Why asynchronous: a blocking fetch holds a thread for its whole duration,
// so a pool must have as many threads as fetches in flight — rate × latency.
// With 1,000 targets every 15 s (~67 fetches/s) that is fine while targets
// answer in milliseconds, but a few dozen dead or slow targets each hold a
// thread up to scrape_timeout (10 s): 67/s × 10 s = 670 threads. Waiting on
// sockets costs nothing on an io_context, so one or two threads serve all
// targets; the CPU work per scrape (a TLS handshake only when a connection
// is new, gunzip, copying) is well under a millisecond per 100 KB.
//
// Usage (a scrape loop; `ioc` runs on one or two threads of the server):
//   auto client = Client::Create(pool_cfg.http_client).value();   // per pool
//   auto fetcher = std::make_unique<TargetFetcher>(ioc.get_executor(), client);  // per target
//   fetcher->AsyncFetch({.url = target_url, .accept = accept_header,
//                        .timeout = 10s, .body_size_limit_bytes = limit},
//                       [](Result<FetchResult> r) {
//                         // On the executor: hand r to a worker to parse and append.
//                       });
//
// Errors carry Prometheus' wording, so /api/v1/targets shows the same
// lastError: `server returned HTTP status 500 Internal Server Error`,
// `Get "http://h:9100/metrics": context deadline exceeded` (timeout before
// the response headers), `context deadline exceeded` (while reading the
// body), `body size limit exceeded`, `Get "...": dial tcp 10.0.0.1:9100:
// connect: connection refused`, `Get "...": stopped after 10 redirects`.
//
// Connections: one kept-alive connection per fetcher, reused while the server
// keeps it open (no TLS handshake per scrape). A request on a reused
// connection that the server closed meanwhile is retried once on a fresh one.
// A connection idle for more than 5 minutes (upstream's idleConnTimeout) is
// replaced. Redirects are followed on the same connection when they stay on
// the same scheme, host and port.
//
// Thread-safety: AsyncFetch and Close may be called from any thread; all work
// runs on a strand of the executor. At most one fetch per fetcher is in flight
// (a scrape loop never overlaps its scrapes); a second AsyncFetch meanwhile
// fails with Internal. A fetch in flight completes (and calls back) even if
// the TargetFetcher is destroyed meanwhile.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "scrape/http/client.h"
#include "util/status.h"

namespace cairn::scrape::http {

struct FetchRequest {
  std::string url;  // http:// or https://, with path and query
  // The Accept header, which the scrape loop builds from scrape_protocols.
  std::string accept = "*/*";
  // Accept-Encoding: gzip when true, identity when false (enable_compression).
  bool enable_compression = true;
  // scrape_timeout: bounds the whole fetch (connect, TLS, redirects, body)
  // and is sent as X-Prometheus-Scrape-Timeout-Seconds.
  std::chrono::milliseconds timeout{10000};
  // body_size_limit on the decoded body; <= 0 means none.
  int64_t body_size_limit_bytes = 0;
};

struct FetchResult {
  std::string content_type;  // the Content-Type header, possibly empty
  std::string body;          // decoded (gunzipped) exposition bytes
};

class TargetFetcher {
 public:
  using Callback = std::function<void(Result<FetchResult>)>;

  // `client` is shared by the pool's fetchers; the executor must outlive
  // the fetcher's work (stop the io_context after the loops are stopped).
  TargetFetcher(boost::asio::any_io_executor executor, std::shared_ptr<const Client> client);
  ~TargetFetcher();  // a fetch in flight still completes and calls back
  TargetFetcher(const TargetFetcher&) = delete;
  TargetFetcher& operator=(const TargetFetcher&) = delete;

  // Fetches request.url; `done` runs once, on the fetcher's strand, with the
  // decoded body of a 200 answer or an error (see above). Only a 200 counts,
  // as upstream: any other final status is an error.
  void AsyncFetch(FetchRequest request, Callback done);

  // Closes the kept-alive connection (when no fetch is in flight), e.g. when
  // the target goes away.
  void Close();

  // Connections opened so far (TCP connects that succeeded); for tests and
  // self-metrics.
  uint64_t connections_opened() const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;  // shared with the handlers of a fetch in flight
};

}  // namespace cairn::scrape::http
