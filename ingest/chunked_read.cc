#include "ingest/chunked_read.h"

#include "ingest/read_request.h"

namespace cairn::ingest {
namespace {

// Protobuf framing around one Chunk inside a ChunkedSeries: tags, lengths and
// the two timestamps and type, generously rounded up.
constexpr size_t kChunkOverheadBytes = 32;

void SetLabels(const storage::Labels& labels, prometheus::ChunkedSeries* series) {
  for (const storage::Label& l : labels) {
    prometheus::Label* out = series->add_labels();
    out->set_name(l.name);
    out->set_value(l.value);
  }
}

}  // namespace

Status StreamChunkedRead(const prometheus::ReadRequest& request, storage::ChunkQueryable& cq,
                         size_t max_bytes_in_frame, const ChunkedReadEmitter& emit,
                         const storage::Labels& external_labels) {
  prometheus::ChunkedReadResponse msg;
  for (int qi = 0; qi < request.queries_size(); ++qi) {
    const prometheus::Query& query = request.queries(qi);
    Result<storage::Matchers> matchers = ToMatchers(query, external_labels);
    if (!matchers.ok()) return matchers.status();
    Result<std::unique_ptr<storage::ChunkSeriesSet>> set =
        cq.SelectChunks(query.start_timestamp_ms(), query.end_timestamp_ms(), *matchers);
    if (!set.ok()) return set.status();
    storage::ChunkSeriesSet& series_set = **set;
    while (series_set.Next()) {
      const std::vector<storage::EncodedChunk>& chunks = series_set.chunks();
      if (chunks.empty()) continue;
      msg.Clear();
      msg.set_query_index(qi);
      prometheus::ChunkedSeries* series = msg.add_chunked_series();
      SetLabels(WithExternalLabels(series_set.labels(), external_labels), series);
      const size_t labels_bytes = series->ByteSizeLong();
      size_t frame_bytes = labels_bytes;
      for (const storage::EncodedChunk& c : chunks) {
        prometheus::Chunk* out = series->add_chunks();
        out->set_min_time_ms(c.min_t_ms);
        out->set_max_time_ms(c.max_t_ms);
        out->set_type(static_cast<prometheus::Chunk::Encoding>(c.encoding));
        out->set_data(c.data);
        frame_bytes += c.data.size() + kChunkOverheadBytes;
        if (frame_bytes >= max_bytes_in_frame) {
          if (!emit(msg)) return Status::Canceled("remote read client went away");
          series->clear_chunks();
          frame_bytes = labels_bytes;
        }
      }
      if (series->chunks_size() > 0 && !emit(msg)) return Status::Canceled("remote read client went away");
    }
    if (!series_set.status().ok()) return series_set.status();
  }
  return Status::OK();
}

}  // namespace cairn::ingest
