// Dense blocks: the candidate closed-data format of issue 14, one series'
// samples over hours (not 120 samples) in a few bytes each. Layout and the
// measurements it was chosen by are in storage/docs/format.md ("Dense block").
//
// What makes it small:
//   - timestamps as delta-of-deltas against the series' own scrape interval
//     (a regular scrape writes zeros);
//   - values as exact decimals: one integer mantissa per sample and one
//     decimal exponent per block, then zig-zag deltas or delta-of-deltas,
//     whichever is smaller (gauges move by deltas, counters by steady rates);
//     values that are not short decimals (NaN, the stale marker, -0.0, ±Inf,
//     denormals, |mantissa| > 2^53) are kept as exceptions with their raw bits;
//     a block of mostly non-decimal values keeps XORed raw bits instead;
//   - zstd over the whole body when that is smaller.
// Every float64 round-trips bit for bit.
//
// Thread-safety: free functions over caller-owned buffers.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sample.h"
#include "util/status.h"

namespace cairn::storage::chunk {

// The most samples one block holds (a bound the decoder enforces on its input).
inline constexpr size_t kDenseBlockMaxSamples = 1 << 20;

// Encodes `samples` (strictly ascending timestamps; 1..kDenseBlockMaxSamples).
std::string EncodeDenseBlock(std::span<const Sample> samples);

// The sample count from a block's header (0 when the header does not parse).
uint64_t DenseBlockNumSamples(std::string_view data);

// Decodes a block into `out` (replacing its contents). Corruption when the
// bytes are not a block this encoder could have written.
Status DecodeDenseBlock(std::string_view data, std::vector<Sample>* out);

}  // namespace cairn::storage::chunk
