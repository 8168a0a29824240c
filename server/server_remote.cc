// Remote write (/api/v1/write, /api/v1/push) and remote read (/api/v1/read):
// HTTP framing around ingest's cores (COMPAT.md §3, §4).
#include <string>

#include "ingest/remote_read.h"
#include "ingest/remote_write.h"
#include "server/server.h"

namespace cairn::server {

ingest::LabelLimits LabelLimitsOf(const ServerFlags& f) {
  ingest::LabelLimits l;
  l.max_label_names_per_series = static_cast<size_t>(f.max_label_names_per_series);
  l.max_label_name_length = static_cast<size_t>(f.max_label_name_length);
  l.max_label_value_length = static_cast<size_t>(f.max_label_value_length);
  return l;
}

void Server::RegisterRemoteRoutes() {
  router_.Add("/api/v1/write", {"POST"}, [this](const http::HttpRequest& req) { return RemoteWrite(req); });
  router_.Add("/api/v1/push", {"POST"}, [this](const http::HttpRequest& req) { return RemoteWrite(req); });
  router_.Add("/api/v1/read", {"POST"}, [this](const http::HttpRequest& req) { return RemoteRead(req); });
}

http::HttpResponse Server::RemoteWrite(const http::HttpRequest& req) {
  if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
  if (appendable_ == nullptr) return http::HttpResponse::Text(503, "storage is not writable");
  ingest::RemoteWriteLimits limits;
  limits.labels = LabelLimitsOf(options_.flags);
  ingest::WriteOutcome out = ingest::HandleRemoteWrite(req.body, req.Header("content-type"),
                                                       req.Header("content-encoding"), *appendable_, &metadata_,
                                                       limits, &remote_write_refs_);
  for (const auto& [reason, n] : out.rejected_by_reason) metrics_->RemoteWriteRejected(reason, n);
  http::HttpResponse r;
  r.status = out.http_status;
  if (!out.message.empty()) {
    r = http::HttpResponse::Text(out.http_status, out.message + (out.message.back() == '\n' ? "" : "\n"));
  }
  if (out.v2) {
    r.headers.emplace_back("X-Prometheus-Remote-Write-Samples-Written", std::to_string(out.samples_written));
    r.headers.emplace_back("X-Prometheus-Remote-Write-Histograms-Written", std::to_string(out.histograms_written));
    r.headers.emplace_back("X-Prometheus-Remote-Write-Exemplars-Written", std::to_string(out.exemplars_written));
  }
  return r;
}

http::HttpResponse Server::RemoteRead(const http::HttpRequest& req) {
  if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
  if (chunk_queryable_ == nullptr) return http::HttpResponse::Text(501, "remote read needs the chunk storage\n");
  http::HttpResponse r;
  r.status = 200;
  r.content_type = std::string(ingest::kStreamedReadContentType);
  const http::HttpRequest* request = &req;  // alive while the stream runs
  r.stream = [this, request](http::ChunkWriter& w) -> std::optional<http::HttpResponse> {
    ingest::RemoteReadLimits limits;
    limits.max_samples = options_.flags.remote_read_sample_limit;
    limits.max_bytes_in_frame = static_cast<size_t>(options_.flags.remote_read_max_bytes_in_frame);
    limits.external_labels = state_->config().external_labels;
    ingest::ReadOutcome out = ingest::HandleRemoteRead(request->body, *local_queryable_, *chunk_queryable_, limits,
                                                       [&w](std::string_view frame) { return w.Write(frame); });
    if (w.started()) return std::nullopt;
    if (out.http_status != 200) {
      return http::HttpResponse::Text(out.http_status, out.error + (out.error.empty() ? "" : "\n"));
    }
    http::HttpResponse whole;
    whole.status = 200;
    whole.content_type = out.content_type;
    if (!out.content_encoding.empty()) whole.headers.emplace_back("Content-Encoding", out.content_encoding);
    whole.body = std::move(out.body);
    return whole;
  };
  return r;
}

}  // namespace cairn::server
