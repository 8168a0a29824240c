#include "tools/cairnctl/remote_read_client.h"

#include <snappy.h>

#include <algorithm>
#include <map>

#include "promql/parser/parser.h"
#include "proto/remote.pb.h"
#include "scrape/http/client.h"
#include "scrape/http/request.h"
#include "storage/chunk/xor_chunk.h"
#include "util/crc32c.h"

namespace cairn::cairnctl {

namespace {

prometheus::LabelMatcher::Type ToProto(storage::MatchType t) {
  switch (t) {
    case storage::MatchType::kEqual: return prometheus::LabelMatcher::EQ;
    case storage::MatchType::kNotEqual: return prometheus::LabelMatcher::NEQ;
    case storage::MatchType::kRegexMatch: return prometheus::LabelMatcher::RE;
    case storage::MatchType::kRegexNoMatch: return prometheus::LabelMatcher::NRE;
  }
  return prometheus::LabelMatcher::EQ;
}

bool ReadUvarint(std::string_view s, size_t* pos, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && *pos < s.size(); shift += 7) {
    auto b = static_cast<uint8_t>(s[(*pos)++]);
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::vector<ReadSeries>> DecodeChunkedBody(std::string_view body, int64_t start_ms, int64_t end_ms) {
  // Series arrive sorted per query; a long one continues in the next frame
  // with the same labels, and several queries may return one series: key by
  // labels and merge.
  std::map<std::vector<std::pair<std::string, std::string>>, std::vector<storage::Sample>> by_labels;
  size_t pos = 0;
  while (pos < body.size()) {
    uint64_t size = 0;
    if (!ReadUvarint(body, &pos, &size) || pos + 4 > body.size() || size > body.size() - pos - 4) {
      return Status::Corruption("remote read: truncated frame at byte " + std::to_string(pos));
    }
    uint32_t want = (static_cast<uint32_t>(static_cast<uint8_t>(body[pos])) << 24) |
                    (static_cast<uint32_t>(static_cast<uint8_t>(body[pos + 1])) << 16) |
                    (static_cast<uint32_t>(static_cast<uint8_t>(body[pos + 2])) << 8) |
                    static_cast<uint32_t>(static_cast<uint8_t>(body[pos + 3]));
    pos += 4;
    std::string_view payload = body.substr(pos, size);
    pos += size;
    if (Crc32c(payload) != want) return Status::Corruption("remote read: frame checksum mismatch");
    prometheus::ChunkedReadResponse frame;
    if (!frame.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      return Status::Corruption("remote read: undecodable frame");
    }
    for (const auto& cs : frame.chunked_series()) {
      std::vector<std::pair<std::string, std::string>> labels;
      for (const auto& l : cs.labels()) labels.emplace_back(l.name(), l.value());
      auto& samples = by_labels[labels];
      for (const auto& c : cs.chunks()) {
        if (c.type() != prometheus::Chunk::XOR) {
          return Status::Unsupported("remote read: native histogram chunks are not exported yet");
        }
        auto decoded = storage::chunk::DecodeXor(c.data());
        if (!decoded.ok()) return Status::Corruption("remote read: bad XOR chunk: " + decoded.status().message());
        for (const auto& s : *decoded) {
          // Chunks may reach past the asked range.
          if (s.t_ms >= start_ms && s.t_ms <= end_ms) samples.push_back(s);
        }
      }
    }
  }
  std::vector<ReadSeries> out;
  out.reserve(by_labels.size());
  for (auto& [labels, samples] : by_labels) {
    std::stable_sort(samples.begin(), samples.end(),
                     [](const storage::Sample& a, const storage::Sample& b) { return a.t_ms < b.t_ms; });
    // Overlapping queries give the same sample twice.
    samples.erase(std::unique(samples.begin(), samples.end(),
                              [](const storage::Sample& a, const storage::Sample& b) { return a.t_ms == b.t_ms; }),
                  samples.end());
    out.push_back({labels, std::move(samples)});
  }
  return out;
}

Result<std::vector<ReadSeries>> RemoteReadSeries(const std::string& read_url, const std::vector<std::string>& selectors,
                                                  int64_t start_ms, int64_t end_ms, std::chrono::milliseconds timeout) {
  prometheus::ReadRequest req;
  for (const auto& sel : selectors) {
    auto matchers = promql::parser::ParseMetricSelector(sel);
    if (!matchers.ok()) return Status::InvalidArgument("selector " + sel + ": " + matchers.status().message());
    auto* q = req.add_queries();
    q->set_start_timestamp_ms(start_ms);
    q->set_end_timestamp_ms(end_ms);
    for (const auto& m : *matchers) {
      auto* pm = q->add_matchers();
      pm->set_type(ToProto(m.type()));
      pm->set_name(m.name());
      pm->set_value(m.value());
    }
  }
  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  std::string raw = req.SerializeAsString();
  scrape::http::Request http;
  http.method = "POST";
  http.url = read_url;
  http.headers = {{"Content-Encoding", "snappy"},
                  {"Accept-Encoding", "snappy"},
                  {"Content-Type", "application/x-protobuf"},
                  {"X-Prometheus-Remote-Read-Version", "0.1.0"}};
  snappy::Compress(raw.data(), raw.size(), &http.body);
  http.timeout = timeout;
  http.max_response_body_bytes = uint64_t{16} << 30;
  auto client = scrape::http::Client::Create(scrape::http::HttpClientConfig{}).value();
  auto r = scrape::http::DoRequest(*client, http);
  if (!r.ok()) return r.status();
  if (r->status != 200) {
    return Status::Unavailable("remote read: server returned HTTP status " + r->status_text + ": " +
                               r->body.substr(0, 300));
  }
  if (r->content_type.find("application/x-streamed-protobuf") == std::string::npos) {
    return Status::Unsupported("remote read: the server did not stream chunks (content type \"" + r->content_type +
                               "\")");
  }
  return DecodeChunkedBody(r->body, start_ms, end_ms);
}

}  // namespace cairn::cairnctl
