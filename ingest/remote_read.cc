#include "ingest/remote_read.h"

#include <snappy.h>

#include "ingest/chunked_read.h"
#include "util/crc32c.h"
#include "ingest/read_request.h"
#include "proto/remote.pb.h"

namespace cairn::ingest {
namespace {

int HttpStatusFor(const Status& st) {
  switch (st.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kResourceExhausted:
      return 400;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

ReadOutcome Error(const Status& st) {
  ReadOutcome out;
  out.http_status = HttpStatusFor(st);
  out.error = st.message();
  return out;
}

// Fills one QueryResult with the samples of every matching series.
Status ReadSamples(const prometheus::Query& query, storage::Queryable& q, const RemoteReadLimits& limits,
                   int64_t* total_samples, prometheus::QueryResult* result) {
  const int64_t max_samples = limits.max_samples;
  Result<storage::Matchers> matchers = ToMatchers(query, limits.external_labels);
  if (!matchers.ok()) return matchers.status();
  Result<std::unique_ptr<storage::Querier>> querier =
      q.NewQuerier(query.start_timestamp_ms(), query.end_timestamp_ms());
  if (!querier.ok()) return querier.status();
  std::unique_ptr<storage::SeriesSet> set = (*querier)->Select(ToSelectHints(query), *matchers);
  while (set->Next()) {
    const storage::Series& series = set->At();
    std::unique_ptr<storage::SeriesIterator> it = series.Iterator();
    prometheus::TimeSeries* ts = nullptr;
    while (it->Next()) {
      if (++*total_samples > max_samples)
        return Status::ResourceExhausted("exceeded sample limit (" + std::to_string(max_samples) + ")");
      if (ts == nullptr) {
        ts = result->add_timeseries();
        for (const storage::Label& l : WithExternalLabels(series.labels(), limits.external_labels)) {
          prometheus::Label* out = ts->add_labels();
          out->set_name(l.name);
          out->set_value(l.value);
        }
      }
      storage::Sample s = it->At();
      prometheus::Sample* out = ts->add_samples();
      out->set_timestamp(s.t_ms);
      out->set_value(s.v);
    }
    if (!it->status().ok()) return it->status();
  }
  return set->status();
}

ReadOutcome RespondSamples(const prometheus::ReadRequest& req, storage::Queryable& q,
                           const RemoteReadLimits& limits) {
  prometheus::ReadResponse resp;
  int64_t total = 0;
  for (const prometheus::Query& query : req.queries()) {
    Status st = ReadSamples(query, q, limits, &total, resp.add_results());
    if (!st.ok()) return Error(st);
  }
  ReadOutcome out;
  out.content_type = "application/x-protobuf";
  out.content_encoding = "snappy";
  std::string raw = resp.SerializeAsString();
  snappy::Compress(raw.data(), raw.size(), &out.body);
  return out;
}

ReadOutcome RespondStreamed(const prometheus::ReadRequest& req, storage::ChunkQueryable& cq,
                            const RemoteReadLimits& limits,
                            const std::function<bool(std::string_view frame)>& write_frame) {
  ReadOutcome out;
  out.content_type = std::string(kStreamedReadContentType);
  bool started = false;
  std::string payload, frame;
  auto emit = [&](const prometheus::ChunkedReadResponse& msg) {
    payload.clear();
    msg.SerializeToString(&payload);
    frame.clear();
    AppendReadFrame(payload, &frame);
    started = true;
    return write_frame(frame);
  };
  Status st = StreamChunkedRead(req, cq, limits.max_bytes_in_frame, emit, limits.external_labels);
  if (st.ok()) return out;
  if (!started) return Error(st);
  out.error = st.message();  // the 200 has gone out already; only loggable
  return out;
}

}  // namespace

void AppendReadFrame(std::string_view payload, std::string* out) {
  uint64_t n = payload.size();
  while (n >= 0x80) {
    out->push_back(static_cast<char>(n | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
  uint32_t crc = Crc32c(payload);
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((crc >> shift) & 0xff));
  out->append(payload);
}

ReadOutcome HandleRemoteRead(std::string_view snappy_body, storage::Queryable& q, storage::ChunkQueryable& cq,
                             const RemoteReadLimits& limits,
                             const std::function<bool(std::string_view frame)>& write_frame) {
  Result<prometheus::ReadRequest> req = DecodeReadRequest(snappy_body, limits.max_request_bytes);
  if (!req.ok()) return Error(req.status());
  if (req->accepted_response_types_size() == 0) return RespondSamples(*req, q, limits);
  for (int type : req->accepted_response_types()) {
    if (type == prometheus::ReadRequest::SAMPLES) return RespondSamples(*req, q, limits);
    if (type == prometheus::ReadRequest::STREAMED_XOR_CHUNKS) return RespondStreamed(*req, cq, limits, write_frame);
  }
  return Error(Status::InvalidArgument("none of the accepted response types is supported"));
}

}  // namespace cairn::ingest
