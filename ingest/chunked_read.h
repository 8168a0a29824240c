// The core of streamed remote read (STREAMED_XOR_CHUNKS), shared by HTTP
// /api/v1/read and the gRPC RemoteStorage.Read stream: it turns a ReadRequest
// into ChunkedReadResponse messages, one at a time.
//
// For each query in order, the series matching it (sorted by labels) are sent
// with their chunks exactly as storage encoded them. A message holds one
// series at most; a series whose chunks exceed `max_bytes_in_frame` continues
// in further messages with the same labels and query_index. Series without
// chunks in the window are left out.
// Thread-safety: a plain function; `emit` runs on the caller's thread.
#pragma once

#include <cstddef>
#include <functional>

#include "proto/remote.pb.h"
#include "storage/queryable.h"
#include "util/status.h"

namespace cairn::ingest {

// Called with each message; returns false when the receiver went away,
// which stops the read. The message is only valid during the call.
using ChunkedReadEmitter = std::function<bool(const prometheus::ChunkedReadResponse&)>;

// OK when every query was streamed. Canceled when `emit` returned false;
// InvalidArgument for bad matchers; otherwise storage's error.
// `external_labels` (prometheus.yml global.external_labels) are added to every
// series sent and equality matchers on them are rewritten (see ToMatchers).
Status StreamChunkedRead(const prometheus::ReadRequest& request, storage::ChunkQueryable& cq,
                         size_t max_bytes_in_frame, const ChunkedReadEmitter& emit,
                         const storage::Labels& external_labels = {});

}  // namespace cairn::ingest
