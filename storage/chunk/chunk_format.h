// Stored chunk formats. A closed chunk in RocksDB is either a Prometheus XOR
// chunk (what the head writes) or a dense block (what compaction writes; see
// storage/chunk/dense_block.h and storage/docs/format.md). Every reader of
// stored chunks decodes through here, so a format is handled in one place.
//
// Thread-safety: free functions over caller-owned buffers.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "storage/chunk/xor_chunk.h"
#include "storage/sample.h"
#include "util/status.h"

namespace cairn::storage::chunk {

// On disk (the byte after a stored value's 00 00 marker); frozen.
enum class Format : uint8_t { kXor = 0, kDense = 1 };

const char* FormatName(Format format);

// The sample count from the chunk's header (0 when it does not parse).
uint64_t NumSamples(Format format, std::string_view data);

// Appends the chunk's samples with timestamps in [min_t_ms, max_t_ms] to
// `out`, in the chunk's (ascending) order.
Status AppendSamples(Format format, std::string_view data, int64_t min_t_ms, int64_t max_t_ms,
                     std::vector<Sample>* out);

// Transcodes the chunk's samples in [min_t_ms, max_t_ms] into XOR chunks of
// at most `max_samples` samples each, appended to `out` (remote read sends
// only XOR chunks).
Status ToXorChunks(Format format, std::string_view data, int64_t min_t_ms, int64_t max_t_ms,
                   size_t max_samples, std::vector<XorChunk>* out);
// The same for samples already decoded (ascending timestamps).
void SamplesToXorChunks(std::span<const Sample> samples, size_t max_samples, std::vector<XorChunk>* out);

}  // namespace cairn::storage::chunk
