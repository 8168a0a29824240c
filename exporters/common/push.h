// Push mode: send what an exporter collects to a Prometheus remote-write
// receiver (Cairn, Prometheus with --web.enable-remote-write-receiver, ...),
// for hosts nothing can scrape.
//
// Remote write 1.0: a snappy-compressed (block format) protobuf WriteRequest,
// POSTed with Content-Encoding: snappy, Content-Type: application/x-protobuf,
// X-Prometheus-Remote-Write-Version: 0.1.0. The WriteRequest is encoded here
// by hand (a few varints and length-delimited fields of proto/types.proto and
// proto/remote.proto) so that exporters do not link libprotobuf; the unit
// tests decode it with the generated proto/ types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "util/status.h"

namespace cairn::exporters {

struct PushOptions {
  std::string url;                  // --push.url; empty = no push
  std::string interval = "15s";     // --push.interval (Prometheus duration)
  std::string job;                  // --push.job; default: the exporter's name
  std::string instance;             // --push.instance; default: hostname:port of the listen address
  std::string basic_auth_username;  // --push.basic-auth.username
  std::string basic_auth_password_file;  // --push.basic-auth.password-file
  std::string bearer_token_file;    // --push.bearer-token-file
};

struct PushSeries {
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by name, __name__ included
  double value = 0;
  int64_t timestamp_ms = 0;
};

// The series a scrape of `families` at `timestamp_ms` would store: summaries
// and histograms expanded (_sum, _count, quantile=, _bucket le=, as the text
// format names them), `job` and `instance` added as target labels (a metric's
// own job/instance become exported_job/exported_instance, as with
// honor_labels: false), labels sorted. A sample's own timestamp wins.
std::vector<PushSeries> SeriesForPush(const std::vector<prometheus::MetricFamily>& families,
                                      const std::string& job, const std::string& instance,
                                      int64_t timestamp_ms);

// The protobuf WriteRequest (remote write 1.0) for `series`, uncompressed.
std::string EncodeWriteRequest(const std::vector<PushSeries>& series);

// One remote-write POST of an encoded WriteRequest: snappy, headers, auth.
// Retries 5xx and connection errors with backoff (100 ms doubling to 5 s)
// until `give_up_after_ms` has passed; 4xx is final (the receiver rejected it).
Status PushWriteRequest(const PushOptions& options, const std::string& write_request,
                        int64_t give_up_after_ms);

}  // namespace cairn::exporters
