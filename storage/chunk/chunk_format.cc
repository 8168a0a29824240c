#include "storage/chunk/chunk_format.h"

#include <algorithm>

#include "storage/chunk/dense_block.h"

namespace cairn::storage::chunk {

const char* FormatName(Format format) {
  switch (format) {
    case Format::kXor:
      return "xor";
    case Format::kDense:
      return "dense";
  }
  return "unknown";
}

uint64_t NumSamples(Format format, std::string_view data) {
  return format == Format::kDense ? DenseBlockNumSamples(data) : XorNumSamples(data);
}

Status AppendSamples(Format format, std::string_view data, int64_t min_t_ms, int64_t max_t_ms,
                     std::vector<Sample>* out) {
  if (format == Format::kDense) {
    std::vector<Sample> all;
    CAIRN_RETURN_IF_ERROR(DecodeDenseBlock(data, &all));
    const auto lo = std::lower_bound(all.begin(), all.end(), min_t_ms,
                                     [](const Sample& s, int64_t t) { return s.t_ms < t; });
    const auto hi =
        std::upper_bound(lo, all.end(), max_t_ms, [](int64_t t, const Sample& s) { return t < s.t_ms; });
    out->insert(out->end(), lo, hi);
    return Status::OK();
  }
  XorIterator it(data);
  while (it.Next()) {
    const Sample s = it.At();
    if (s.t_ms > max_t_ms) break;
    if (s.t_ms >= min_t_ms) out->push_back(s);
  }
  return it.status();
}

Status ToXorChunks(Format format, std::string_view data, int64_t min_t_ms, int64_t max_t_ms,
                   size_t max_samples, std::vector<XorChunk>* out) {
  std::vector<Sample> samples;
  CAIRN_RETURN_IF_ERROR(AppendSamples(format, data, min_t_ms, max_t_ms, &samples));
  SamplesToXorChunks(samples, max_samples, out);
  return Status::OK();
}

void SamplesToXorChunks(std::span<const Sample> samples, size_t max_samples, std::vector<XorChunk>* out) {
  max_samples = std::clamp<size_t>(max_samples, 1, 65535);
  for (size_t i = 0; i < samples.size(); i += max_samples) {
    XorChunk& c = out->emplace_back();
    const size_t end = std::min(samples.size(), i + max_samples);
    for (size_t j = i; j < end; ++j) c.Append(samples[j].t_ms, samples[j].v);
    c.Compact();
  }
}

}  // namespace cairn::storage::chunk
