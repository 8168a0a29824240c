#include "remote/read_response.h"

#include <snappy.h>

#include <algorithm>
#include <string>

#include "proto/remote.pb.h"
#include "storage/chunk/xor_chunk.h"
#include "util/crc32c.h"

namespace cairn::remote {
namespace {

constexpr std::string_view kStreamedPrefix = "application/x-streamed-protobuf";

// Labels of a wire series, checked as upstream's validateLabelsAndMetricName.
template <typename ProtoLabels>
Result<storage::Labels> ToLabels(const ProtoLabels& in) {
  std::vector<storage::Label> labels;
  labels.reserve(in.size());
  for (const auto& l : in) labels.push_back({l.name(), l.value()});
  std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  Status st = storage::Labels::Validate(labels);
  if (!st.ok()) return Status::InvalidArgument("invalid series in remote read response: " + st.message());
  return storage::Labels::FromSorted(std::move(labels));
}

}  // namespace

std::vector<RemoteSeries> NormalizeSeries(std::vector<RemoteSeries> in) {
  std::stable_sort(in.begin(), in.end(),
                   [](const RemoteSeries& a, const RemoteSeries& b) { return a.labels < b.labels; });
  std::vector<RemoteSeries> out;
  for (RemoteSeries& s : in) {
    if (!out.empty() && out.back().labels == s.labels) {
      auto& dst = out.back().samples;
      dst.insert(dst.end(), s.samples.begin(), s.samples.end());
    } else {
      out.push_back(std::move(s));
    }
  }
  for (RemoteSeries& s : out) {
    auto& v = s.samples;
    auto by_time = [](const storage::Sample& a, const storage::Sample& b) { return a.t_ms < b.t_ms; };
    if (!std::is_sorted(v.begin(), v.end(), by_time)) std::stable_sort(v.begin(), v.end(), by_time);
    v.erase(std::unique(v.begin(), v.end(),
                        [](const storage::Sample& a, const storage::Sample& b) { return a.t_ms == b.t_ms; }),
            v.end());
  }
  return out;
}

namespace {

Result<std::vector<RemoteSeries>> DecodeSamples(std::string_view body, size_t max_decoded_bytes) {
  size_t len = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &len)) {
    return Status::InvalidArgument("error reading response: snappy: corrupt input");
  }
  if (len > max_decoded_bytes) {
    return Status::ResourceExhausted("remote read response of " + std::to_string(len) +
                                     " bytes exceeds the limit of " + std::to_string(max_decoded_bytes));
  }
  std::string raw;
  if (!snappy::Uncompress(body.data(), body.size(), &raw)) {
    return Status::InvalidArgument("error reading response: snappy: corrupt input");
  }
  prometheus::ReadResponse resp;
  if (!resp.ParseFromString(raw)) return Status::InvalidArgument("unable to unmarshal response body");
  if (resp.results_size() != 1) {
    return Status::InvalidArgument("responses: want 1, got " + std::to_string(resp.results_size()));
  }
  std::vector<RemoteSeries> out;
  for (const prometheus::TimeSeries& ts : resp.results(0).timeseries()) {
    RemoteSeries s;
    CAIRN_ASSIGN_OR_RETURN(s.labels, ToLabels(ts.labels()));
    s.samples.reserve(ts.samples_size());
    for (const prometheus::Sample& smp : ts.samples()) s.samples.push_back({smp.timestamp(), smp.value()});
    out.push_back(std::move(s));
  }
  return NormalizeSeries(std::move(out));
}

// Reads one uvarint at *pos; false when cut short or longer than 10 bytes.
bool ReadUvarint(std::string_view b, size_t* pos, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && *pos < b.size(); shift += 7) {
    const uint8_t c = static_cast<uint8_t>(b[(*pos)++]);
    v |= static_cast<uint64_t>(c & 0x7f) << shift;
    if (c < 0x80) {
      *out = v;
      return true;
    }
  }
  return false;
}

Result<std::vector<RemoteSeries>> DecodeStreamed(std::string_view body, size_t max_decoded_bytes) {
  std::vector<RemoteSeries> out;
  size_t pos = 0, decoded = 0;
  int frame = 0;
  while (pos < body.size()) {
    ++frame;
    uint64_t len = 0;
    if (!ReadUvarint(body, &pos, &len) || body.size() - pos < 4 || len > body.size() - pos - 4) {
      return Status::Corruption("remote read response: frame " + std::to_string(frame) + " is cut short");
    }
    uint32_t want = 0;
    for (int i = 0; i < 4; ++i) want = (want << 8) | static_cast<uint8_t>(body[pos + i]);
    pos += 4;
    const std::string_view payload = body.substr(pos, len);
    pos += len;
    if (Crc32c(payload) != want) {
      return Status::Corruption("remote read response: checksum mismatch in frame " + std::to_string(frame));
    }
    prometheus::ChunkedReadResponse msg;
    if (!msg.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      return Status::InvalidArgument("remote read response: frame " + std::to_string(frame) +
                                     " is not a ChunkedReadResponse");
    }
    if (msg.query_index() != 0) {
      return Status::InvalidArgument("remote read response: query index " + std::to_string(msg.query_index()) +
                                     " for a request of one query");
    }
    for (const prometheus::ChunkedSeries& cs : msg.chunked_series()) {
      RemoteSeries s;
      CAIRN_ASSIGN_OR_RETURN(s.labels, ToLabels(cs.labels()));
      for (const prometheus::Chunk& c : cs.chunks()) {
        if (c.type() != prometheus::Chunk::XOR) {
          return Status::Unsupported("remote read response: chunk encoding " +
                                     prometheus::Chunk::Encoding_Name(c.type()) + " is not supported");
        }
        decoded += storage::chunk::XorNumSamples(c.data()) * sizeof(storage::Sample);
        if (decoded > max_decoded_bytes) {
          return Status::ResourceExhausted("remote read response exceeds the limit of " +
                                           std::to_string(max_decoded_bytes) + " decoded bytes");
        }
        storage::chunk::XorIterator it(c.data());
        while (it.Next()) s.samples.push_back(it.At());
        if (!it.status().ok()) {
          return Status::Corruption("remote read response: bad XOR chunk of " + s.labels.ToString() + ": " +
                                    it.status().message());
        }
      }
      // A series continued from the previous frame joins its first part.
      if (!out.empty() && out.back().labels == s.labels) {
        auto& dst = out.back().samples;
        dst.insert(dst.end(), s.samples.begin(), s.samples.end());
      } else {
        out.push_back(std::move(s));
      }
    }
  }
  return NormalizeSeries(std::move(out));
}

}  // namespace

Result<std::vector<RemoteSeries>> DecodeReadResponse(std::string_view content_type, std::string_view body,
                                                     size_t max_decoded_bytes) {
  if (content_type.substr(0, kStreamedPrefix.size()) == kStreamedPrefix) {
    return DecodeStreamed(body, max_decoded_bytes);
  }
  return DecodeSamples(body, max_decoded_bytes);
}

}  // namespace cairn::remote
