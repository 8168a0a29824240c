// Remote-write receiver: one HTTP request body of Prometheus remote write
// (1.0 `prometheus.WriteRequest` or 2.0 `io.prometheus.write.v2.Request`,
// snappy block compressed) → samples appended through one Appender and
// committed together, plus the HTTP answer to give (see shared/COMPAT.md §3).
//
//   WriteOutcome out = HandleRemoteWrite(body, req["Content-Type"], req["Content-Encoding"],
//                                        storage, &metadata_store, RemoteWriteLimits{});
//   reply(out.http_status, out.message);   // 204 → empty body
//   if (out.v2) set X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written
//
// Answers: 204 when everything was stored; 400 with a text body listing the
// reasons when part of the request was rejected (every valid sample is still
// stored; this includes series refused by --storage.max-series or a label
// limit: 400, not 429, because Prometheus senders drop a 400 batch instead of
// retrying it, and a limit does not go away by retrying) or the body is not valid snappy/protobuf (nothing stored); 413 when
// the body is over the limits; 415 for an unknown Content-Encoding or
// `proto=`; 5xx only when storage fails (nothing acknowledged, sender
// retries). Native histograms and exemplars are not stored yet: histograms
// are counted as rejected, exemplars are dropped silently (as upstream never
// fails a request over exemplars).
// Thread-safety: HandleRemoteWrite may run concurrently; each call uses its
// own Appender.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "ingest/metadata_sink.h"
#include "ingest/series_ref_cache.h"
#include "ingest/write_request_decoder.h"
#include "storage/appender.h"

namespace cairn::ingest {

// Per-series label bounds (--storage.max-label-names-per-series,
// --storage.max-label-name-length, --storage.max-label-value-length, as
// Mimir names them); 0 = none. A series over one has its samples refused
// with the reason named after the flag; the rest of the request is stored.
struct LabelLimits {
  size_t max_label_names_per_series = 0;
  size_t max_label_name_length = 0;
  size_t max_label_value_length = 0;
};

// Rejection reasons (WriteOutcome::rejected_by_reason keys) of the ingest
// limits: a new series past --storage.max-series (the storage refused it
// with ResourceExhausted), and the label limits above.
inline constexpr std::string_view kReasonMaxSeries = "max_series";
inline constexpr std::string_view kReasonMaxLabelNames = "max_label_names_per_series";
inline constexpr std::string_view kReasonMaxLabelNameLength = "max_label_name_length";
inline constexpr std::string_view kReasonMaxLabelValueLength = "max_label_value_length";

struct RemoteWriteLimits {
  // Largest accepted request body as sent (snappy). Upstream: 32 MiB.
  size_t max_compressed_bytes = 32 << 20;
  // Largest accepted body after snappy decoding. Upstream: 32 MiB.
  size_t max_decoded_bytes = 32 << 20;
  LabelLimits labels;
};

struct WriteOutcome {
  int http_status = 204;
  std::string message;  // text body for 4xx/5xx
  int64_t samples_written = 0, histograms_written = 0, exemplars_written = 0;
  // Float samples and native histogram samples that were not stored.
  int64_t samples_rejected = 0;
  // Short, fixed reason → number of samples (float or histogram) rejected for it.
  std::map<std::string, int64_t> rejected_by_reason;
  bool v2 = false;  // the request was remote write 2.0
};

// Content-Type with `proto=io.prometheus.write.v2.Request` selects 2.0; no
// `proto=` or `proto=prometheus.WriteRequest` selects 1.0. Content-Encoding
// must be `snappy` or empty (taken as snappy). `metadata` may be null: then
// metadata goes to the Appender's UpdateMetadata instead. `refs` (optional,
// shared by every request into `db`, which it must not outlive) remembers
// series refs across requests so known series skip the label work.
WriteOutcome HandleRemoteWrite(std::string_view body, std::string_view content_type,
                               std::string_view content_encoding, storage::Appendable& db,
                               MetadataSink* metadata, const RemoteWriteLimits& limits,
                               SeriesRefCache* refs = nullptr);

// The part of HandleRemoteWrite after the HTTP framing: `message` is the
// uncompressed protobuf of `version`. For gRPC RemoteStorage.Write, whose
// request arrives parsed, pass its serialization. Answers as above (204, 400
// with reasons, 5xx on storage failure); the caller maps them to its status.
WriteOutcome ApplyWriteRequest(std::string_view message, RemoteWriteVersion version, storage::Appendable& db,
                               MetadataSink* metadata, const LabelLimits& label_limits = {},
                               SeriesRefCache* refs = nullptr);

}  // namespace cairn::ingest
