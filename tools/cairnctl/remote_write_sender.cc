#include "tools/cairnctl/remote_write_sender.h"

#include <snappy.h>

#include <map>
#include <thread>

#include "proto/remote.pb.h"
#include "scrape/http/request.h"

namespace cairn::cairnctl {

namespace {
constexpr int kAttempts = 4;
}  // namespace

RemoteWriteSender::RemoteWriteSender(std::string url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {
  client_ = scrape::http::Client::Create(scrape::http::HttpClientConfig{}).value();
}

std::string RemoteWriteSender::Encode(const std::vector<ImportSample>& batch) {
  prometheus::WriteRequest req;
  // One TimeSeries per label set; consecutive samples of a series (the usual
  // case: a line per sample of one series) share it without a map lookup.
  std::map<std::vector<std::pair<std::string, std::string>>, prometheus::TimeSeries*> by_labels;
  const std::vector<std::pair<std::string, std::string>>* last = nullptr;
  prometheus::TimeSeries* ts = nullptr;
  for (const auto& s : batch) {
    if (last == nullptr || *last != s.labels) {
      auto [it, inserted] = by_labels.try_emplace(s.labels, nullptr);
      if (inserted) {
        it->second = req.add_timeseries();
        for (const auto& [n, v] : s.labels) {
          auto* l = it->second->add_labels();
          l->set_name(n);
          l->set_value(v);
        }
      }
      ts = it->second;
      last = &s.labels;
    }
    auto* sample = ts->add_samples();
    sample->set_timestamp(s.t_ms);
    sample->set_value(s.value);
  }
  std::string raw = req.SerializeAsString();
  std::string body;
  snappy::Compress(raw.data(), raw.size(), &body);
  return body;
}

Status RemoteWriteSender::Send(const std::vector<ImportSample>& batch) const {
  scrape::http::Request req;
  req.method = "POST";
  req.url = url_;
  req.headers = {{"Content-Encoding", "snappy"},
                 {"Content-Type", "application/x-protobuf"},
                 {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
  req.body = Encode(batch);
  req.timeout = timeout_;
  Status last = Status::OK();
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    auto r = scrape::http::DoRequest(*client_, req);
    if (!r.ok()) {
      last = r.status();
      continue;
    }
    if (r->status / 100 == 2) return Status::OK();
    std::string body = r->body.substr(0, 300);
    while (!body.empty() && body.back() == '\n') body.pop_back();
    last = Status::Unavailable("remote write to " + url_ + ": server returned HTTP status " + r->status_text +
                               (body.empty() ? "" : ": " + body));
    if (r->status / 100 == 4) return last;
  }
  return last;
}

}  // namespace cairn::cairnctl
