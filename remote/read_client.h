// ReadClient: asks one remote_read endpoint for the series of one query, as
// Prometheus' storage/remote Client.Read does: a snappy-compressed
// ReadRequest POSTed with Content-Encoding snappy, Content-Type
// application/x-protobuf and X-Prometheus-Remote-Read-Version 0.1.0, offering
// STREAMED_XOR_CHUNKS first and SAMPLES second (the server picks; SAMPLES
// alone for a metadata lookup, hint func "series"), under the
// entry's remote_timeout, headers, credentials and TLS (scrape/http's client).
//
// Errors read like upstream's: `error sending request: Post "<url>": dial
// tcp ...: connect: connection refused`, `remote server <url> returned HTTP
// status 500 Internal Server Error: <body>`, and the decoder's
// (remote/read_response.h).
// Counted in the endpoint's ReadMetrics when given (requests in flight,
// answers by status code, time to the answer), as upstream's Client.Read.
// Thread-safety: immutable after Create; Read may run on many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "proto/remote.pb.h"
#include "remote/read_config.h"
#include "remote/read_metrics.h"
#include "remote/read_response.h"
#include "scrape/http/client.h"
#include "util/status.h"

namespace cairn::remote {

class ReadClient {
 public:
  // The largest answer accepted, compressed or decoded.
  static constexpr size_t kMaxResponseBytes = size_t{512} << 20;

  // Loads the TLS material; errors as scrape::http::Client::Create.
  // `metrics` (optional) must outlive the client.
  static Result<std::unique_ptr<ReadClient>> Create(const RemoteReadConfig& config, ReadMetrics* metrics = nullptr);

  Result<std::vector<RemoteSeries>> Read(const prometheus::Query& query) const;

  const RemoteReadConfig& config() const { return config_; }

 private:
  ReadClient(RemoteReadConfig config, std::shared_ptr<const scrape::http::Client> http,
             ReadMetrics::Endpoint* metrics)
      : config_(std::move(config)), http_(std::move(http)), metrics_(metrics) {}

  const RemoteReadConfig config_;
  const std::shared_ptr<const scrape::http::Client> http_;
  ReadMetrics::Endpoint* const metrics_;  // may be null
};

}  // namespace cairn::remote
