// Closed-chunk formats side by side on the ingest bench's own data: the
// node-exporter-like fleet of bench/ingest (same catalog, same value kinds and
// precision, 15 s scrapes with jitter), one series' samples over a few hours.
// Prints, per format: bytes per sample (the encoded payload only; the engine's
// RocksDB keys come on top) and decode time per sample (median of 5 passes),
// and the dense block's ratios to XOR.
//
//   dense_block_bench [series] [hours]      (defaults: 2040 series, 3 h)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/ingest/node_series_catalog.h"
#include "bench/ingest/sample_generator.h"
#include "storage/chunk/dense_block.h"
#include "storage/chunk/xor_chunk.h"

namespace {

using cairn::storage::Sample;
namespace chunk = cairn::storage::chunk;

constexpr size_t kXorChunkSamples = 120;  // what the head closes a chunk at, as Prometheus does

template <typename F>
double MedianSeconds(F&& pass) {
  std::vector<double> times;
  for (int i = 0; i < 5; ++i) {
    const auto start = std::chrono::steady_clock::now();
    pass();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[2];
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t num_series = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2040;
  const double hours = argc > 2 ? std::strtod(argv[2], nullptr) : 3;
  const cairn::bench::ScrapeSchedule schedule{1'764'000'000'000, 15000, 5};
  const auto rounds = static_cast<uint32_t>(hours * 3600 * 1000 / static_cast<double>(schedule.interval_ms));
  const std::vector<cairn::bench::SeriesSpec> specs = cairn::bench::BuildNodeSeries(num_series, 1);
  cairn::bench::SampleGenerator gen(&specs, 1, schedule);

  std::vector<std::vector<Sample>> series(specs.size());
  for (size_t s = 0; s < specs.size(); ++s) {
    series[s].reserve(rounds);
    for (uint32_t r = 0; r < rounds; ++r) {
      series[s].push_back({gen.TimestampMs(specs[s].instance, r), gen.NextValue(s, r)});
    }
  }
  const double samples = static_cast<double>(specs.size()) * rounds;

  std::vector<std::string> xor_chunks;
  for (const auto& ss : series) {
    for (size_t i = 0; i < ss.size(); i += kXorChunkSamples) {
      chunk::XorChunk c;
      for (size_t j = i; j < std::min(ss.size(), i + kXorChunkSamples); ++j) c.Append(ss[j].t_ms, ss[j].v);
      xor_chunks.emplace_back(c.bytes());
    }
  }
  std::vector<std::string> dense_blocks;
  for (const auto& ss : series) dense_blocks.push_back(chunk::EncodeDenseBlock(ss));

  // What sharing one timestamp column per scraped instance would cost: each
  // series' values with exact-grid timestamps (which cost next to nothing),
  // plus one block of the instance's real timestamps per instance.
  size_t shared_bytes = 0;
  std::vector<bool> instance_seen;
  for (size_t s = 0; s < series.size(); ++s) {
    std::vector<Sample> values_only = series[s];
    for (size_t i = 0; i < values_only.size(); ++i) values_only[i].t_ms = schedule.start_ms + static_cast<int64_t>(i) * 15000;
    shared_bytes += chunk::EncodeDenseBlock(values_only).size();
    const uint32_t inst = specs[s].instance;
    if (inst >= instance_seen.size()) instance_seen.resize(inst + 1);
    if (!instance_seen[inst]) {
      instance_seen[inst] = true;
      std::vector<Sample> times = series[s];
      for (Sample& x : times) x.v = 0;
      shared_bytes += chunk::EncodeDenseBlock(times).size();
    }
  }

  size_t xor_bytes = 0, dense_bytes = 0;
  for (const auto& c : xor_chunks) xor_bytes += c.size();
  for (const auto& b : dense_blocks) dense_bytes += b.size();

  double checksum = 0;
  const double xor_s = MedianSeconds([&] {
    for (const auto& c : xor_chunks) {
      chunk::XorIterator it(c);
      while (it.Next()) checksum += it.At().v;
    }
  });
  std::vector<Sample> decoded;
  const double dense_s = MedianSeconds([&] {
    for (const auto& b : dense_blocks) {
      if (!chunk::DecodeDenseBlock(b, &decoded).ok()) std::abort();
      for (const Sample& s : decoded) checksum += s.v;
    }
  });

  std::printf("data: %zu series x %u samples (%.1f h at 15 s) of bench/ingest's node fleet (checksum %.3g)\n",
              specs.size(), rounds, hours, checksum);
  std::printf("%-34s %12s %14s\n", "format", "bytes/sample", "decode ns/sample");
  std::printf("%-34s %12.3f %14.2f\n", "XOR, 120-sample chunks", xor_bytes / samples, xor_s * 1e9 / samples);
  std::printf("%-34s %12.3f %14.2f\n", ("dense block, " + std::to_string(rounds) + " samples").c_str(),
              dense_bytes / samples, dense_s * 1e9 / samples);
  std::printf("%-34s %12.3f %14s\n", "dense, timestamps shared per instance", shared_bytes / samples, "-");
  std::printf("dense / XOR: size %.3f, decode time %.3f\n", static_cast<double>(dense_bytes) / xor_bytes,
              dense_s / xor_s);
  return 0;
}
