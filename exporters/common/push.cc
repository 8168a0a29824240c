#include "exporters/common/push.h"

#include <snappy.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "exporters/common/http_client.h"
#include "exporters/common/log.h"
#include "util/go_strconv.h"
#include "util/varint.h"

namespace cairn::exporters {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

using Labels = std::vector<std::pair<std::string, std::string>>;

// Protobuf wire helpers: field key, length-delimited bytes, fixed64 double.
void PutKey(std::string* out, int field, int wire_type) { PutUvarint(out, static_cast<uint64_t>(field << 3 | wire_type)); }

void PutBytes(std::string* out, int field, std::string_view bytes) {
  PutKey(out, field, 2);
  PutUvarint(out, bytes.size());
  out->append(bytes);
}

void PutDouble(std::string* out, int field, double v) {
  PutKey(out, field, 1);
  char buf[8];
  std::memcpy(buf, &v, 8);  // little-endian hosts only, as protobuf's fixed64
  out->append(buf, 8);
}

std::string Base64(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16 | static_cast<uint8_t>(in[i + 1]) << 8 | static_cast<uint8_t>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (i < in.size()) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string ReadSecret(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

class SeriesBuilder {
 public:
  SeriesBuilder(const std::string& job, const std::string& instance, int64_t timestamp_ms,
                std::vector<PushSeries>* out)
      : job_(job), instance_(instance), timestamp_ms_(timestamp_ms), out_(*out) {}

  void Add(const std::string& name, const ClientMetric& m, std::string_view extra_name, const std::string& extra_value,
           double value) {
    PushSeries s;
    s.labels.emplace_back("__name__", name);
    for (const auto& l : m.label) {
      if (l.value.empty()) continue;  // an empty label is no label
      if (l.name == "job" || l.name == "instance") {
        s.labels.emplace_back("exported_" + l.name, l.value);
      } else {
        s.labels.emplace_back(l.name, l.value);
      }
    }
    if (!extra_name.empty()) s.labels.emplace_back(std::string(extra_name), extra_value);
    if (!job_.empty()) s.labels.emplace_back("job", job_);
    if (!instance_.empty()) s.labels.emplace_back("instance", instance_);
    std::sort(s.labels.begin(), s.labels.end());
    s.value = value;
    s.timestamp_ms = m.timestamp_ms != 0 ? m.timestamp_ms : timestamp_ms_;
    out_.push_back(std::move(s));
  }

 private:
  const std::string& job_;
  const std::string& instance_;
  int64_t timestamp_ms_;
  std::vector<PushSeries>& out_;
};

}  // namespace

std::vector<PushSeries> SeriesForPush(const std::vector<MetricFamily>& families, const std::string& job,
                                      const std::string& instance, int64_t timestamp_ms) {
  std::vector<PushSeries> out;
  SeriesBuilder b(job, instance, timestamp_ms, &out);
  for (const MetricFamily& f : families) {
    for (const ClientMetric& m : f.metric) {
      switch (f.type) {
        case MetricType::Counter: b.Add(f.name, m, "", "", m.counter.value); break;
        case MetricType::Gauge: b.Add(f.name, m, "", "", m.gauge.value); break;
        case MetricType::Summary:
          for (const auto& q : m.summary.quantile) b.Add(f.name, m, "quantile", GoFormatFloatG(q.quantile), q.value);
          b.Add(f.name + "_sum", m, "", "", m.summary.sample_sum);
          b.Add(f.name + "_count", m, "", "", static_cast<double>(m.summary.sample_count));
          break;
        case MetricType::Histogram: {
          bool has_inf = false;
          for (const auto& bucket : m.histogram.bucket) {
            if (std::isinf(bucket.upper_bound) && bucket.upper_bound > 0) has_inf = true;
            b.Add(f.name + "_bucket", m, "le", GoFormatFloatG(bucket.upper_bound),
                  static_cast<double>(bucket.cumulative_count));
          }
          if (!has_inf) b.Add(f.name + "_bucket", m, "le", "+Inf", static_cast<double>(m.histogram.sample_count));
          b.Add(f.name + "_sum", m, "", "", m.histogram.sample_sum);
          b.Add(f.name + "_count", m, "", "", static_cast<double>(m.histogram.sample_count));
          break;
        }
        default: b.Add(f.name, m, "", "", m.untyped.value); break;
      }
    }
  }
  return out;
}

std::string EncodeWriteRequest(const std::vector<PushSeries>& series) {
  std::string out, ts, item;
  for (const PushSeries& s : series) {
    ts.clear();
    for (const auto& [name, value] : s.labels) {  // Label{name = 1, value = 2}
      item.clear();
      PutBytes(&item, 1, name);
      PutBytes(&item, 2, value);
      PutBytes(&ts, 1, item);
    }
    item.clear();  // Sample{value = 1 (double), timestamp = 2 (int64)}
    PutDouble(&item, 1, s.value);
    PutKey(&item, 2, 0);
    PutUvarint(&item, static_cast<uint64_t>(s.timestamp_ms));
    PutBytes(&ts, 2, item);
    PutBytes(&out, 1, ts);  // WriteRequest.timeseries = 1
  }
  return out;
}

Status PushWriteRequest(const PushOptions& options, const std::string& write_request, int64_t give_up_after_ms) {
  HttpClientRequest req;
  req.method = "POST";
  req.url = options.url;
  snappy::Compress(write_request.data(), write_request.size(), &req.body);
  req.headers = {{"Content-Encoding", "snappy"},
                 {"Content-Type", "application/x-protobuf"},
                 {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
  if (!options.basic_auth_username.empty()) {
    std::string password =
        options.basic_auth_password_file.empty() ? "" : ReadSecret(options.basic_auth_password_file);
    req.headers.emplace_back("Authorization", "Basic " + Base64(options.basic_auth_username + ":" + password));
  } else if (!options.bearer_token_file.empty()) {
    req.headers.emplace_back("Authorization", "Bearer " + ReadSecret(options.bearer_token_file));
  }

  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(give_up_after_ms);
  auto backoff = std::chrono::milliseconds(100);
  Status last;
  for (;;) {
    auto attempt_deadline = std::min(give_up, std::chrono::steady_clock::now() + std::chrono::seconds(30));
    Result<HttpClientResponse> res = HttpFetch(req, attempt_deadline);
    if (res.ok() && res->status / 100 == 2) return Status::OK();
    if (res.ok() && res->status / 100 != 5) {
      return Status::InvalidArgument("remote write rejected with HTTP " + std::to_string(res->status) + ": " +
                                     res->body.substr(0, 256));
    }
    last = res.ok() ? Status::Unavailable("remote write got HTTP " + std::to_string(res->status) + ": " +
                                          res->body.substr(0, 256))
                    : res.status();
    if (std::chrono::steady_clock::now() + backoff >= give_up) return last;
    Log(LogLevel::kWarn, "remote write failed, retrying", {{"err", last.ToString()}});
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace cairn::exporters
