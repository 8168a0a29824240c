// RemoteWriteSender: posts batches of samples to a remote-write endpoint
// (Prometheus remote write 1.0: snappy-compressed prometheus.WriteRequest),
// as `import` and `export --to-remote-write` send them. Cairn, Prometheus
// (with --web.enable-remote-write-receiver) and VictoriaMetrics all take it.
//
// Thread-safety: Send() may be called from several threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "scrape/http/client.h"
#include "tools/cairnctl/import_formats.h"
#include "util/status.h"

namespace cairn::cairnctl {

class RemoteWriteSender {
 public:
  RemoteWriteSender(std::string url, std::chrono::milliseconds timeout);

  // One request with every sample of `batch` (samples of a series grouped,
  // in the batch's order). Retries 5xx and connection failures a few times
  // with backoff; a 4xx is final (the server refused the data). Errors
  // carry the server's answer.
  Status Send(const std::vector<ImportSample>& batch) const;

  // The encoded, compressed request body (exposed for tests).
  static std::string Encode(const std::vector<ImportSample>& batch);

 private:
  const std::string url_;
  const std::chrono::milliseconds timeout_;
  std::shared_ptr<const scrape::http::Client> client_;
};

}  // namespace cairn::cairnctl
