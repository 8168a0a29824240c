#include "remote/read_client.h"

#include <snappy.h>

#include <chrono>

#include "scrape/http/request.h"

namespace cairn::remote {
namespace {

std::string TrimSpace(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  const size_t end = s.find_last_not_of(ws);
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

}  // namespace

Result<std::unique_ptr<ReadClient>> ReadClient::Create(const RemoteReadConfig& config, ReadMetrics* metrics) {
  auto http = scrape::http::Client::Create(config.http);
  if (!http.ok()) return http.status();
  ReadMetrics::Endpoint* endpoint = metrics != nullptr ? metrics->For(config.name, config.url) : nullptr;
  return std::unique_ptr<ReadClient>(new ReadClient(config, std::move(http).value(), endpoint));
}

Result<std::vector<RemoteSeries>> ReadClient::Read(const prometheus::Query& query) const {
  prometheus::ReadRequest req;
  *req.add_queries() = query;
  // A metadata lookup (hint func "series") asks for SAMPLES only: servers
  // then skip loading chunks and still list each series, where a streamed
  // answer leaves out every series without chunks (upstream's
  // StreamChunkedReadResponses), i.e. all of them.
  if (query.hints().func() != "series") req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  req.add_accepted_response_types(prometheus::ReadRequest::SAMPLES);
  const std::string raw = req.SerializeAsString();
  scrape::http::Request http_req;
  http_req.method = "POST";
  http_req.url = config_.url;
  snappy::Compress(raw.data(), raw.size(), &http_req.body);
  http_req.headers = config_.headers;
  http_req.headers.emplace_back("Content-Encoding", "snappy");
  http_req.headers.emplace_back("Accept-Encoding", "snappy");
  http_req.headers.emplace_back("Content-Type", "application/x-protobuf");
  http_req.headers.emplace_back("X-Prometheus-Remote-Read-Version", "0.1.0");
  http_req.timeout = std::chrono::milliseconds(config_.remote_timeout_ms);
  // One byte more than accepted, so an answer cut off at the limit is told
  // from one that fits exactly.
  http_req.max_response_body_bytes = kMaxResponseBytes + 1;
  struct InFlight {
    ReadMetrics::Endpoint* m;
    explicit InFlight(ReadMetrics::Endpoint* e) : m(e) {
      if (m != nullptr) m->Started();
    }
    ~InFlight() {
      if (m != nullptr) m->Finished();
    }
  } in_flight(metrics_);
  const auto start = std::chrono::steady_clock::now();
  auto resp = scrape::http::DoRequest(*http_, http_req);
  if (resp.ok() && metrics_ != nullptr) {
    metrics_->Answered(resp->status, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (!resp.ok()) {
    return Status(resp.status().code(), "error sending request: " + resp.status().message());
  }
  if (resp->status / 100 != 2) {
    return Status::Unavailable("remote server " + config_.url + " returned HTTP status " + resp->status_text + ": " +
                               TrimSpace(resp->body.substr(0, 512)));
  }
  if (resp->body.size() > kMaxResponseBytes) {
    return Status::ResourceExhausted("remote read response from " + config_.url + " exceeds " +
                                     std::to_string(kMaxResponseBytes) + " bytes");
  }
  return DecodeReadResponse(resp->content_type, resp->body, kMaxResponseBytes);
}

}  // namespace cairn::remote
