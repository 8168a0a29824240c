// Micro-benchmarks for the XOR chunk: encoding and decoding 120-sample chunks
// of a typical scrape series (15 s interval with jitter, slowly moving gauge).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "storage/chunk/xor_chunk.h"

namespace {

using cairn::storage::Sample;
using cairn::storage::chunk::XorChunk;
using cairn::storage::chunk::XorIterator;

std::vector<Sample> ScrapeLike(size_t n) {
  std::mt19937_64 rng(1);
  std::vector<Sample> out;
  int64_t t = 1'764'000'000'000;
  double v = 1000;
  for (size_t i = 0; i < n; ++i) {
    t += 15000 + static_cast<int64_t>(rng() % 5) - 2;
    if (rng() % 3 == 0) v += static_cast<double>(rng() % 100);
    out.push_back({t, v});
  }
  return out;
}

void BM_XorEncode120(benchmark::State& state) {
  const auto samples = ScrapeLike(120);
  size_t bytes = 0;
  for (auto _ : state) {
    XorChunk c;
    for (const Sample& s : samples) c.Append(s.t_ms, s.v);
    bytes = c.bytes().size();
    benchmark::DoNotOptimize(c.bytes().data());
  }
  state.SetItemsProcessed(state.iterations() * 120);
  state.counters["bytes_per_sample"] = static_cast<double>(bytes) / 120.0;
}
BENCHMARK(BM_XorEncode120);

void BM_XorDecode120(benchmark::State& state) {
  XorChunk c;
  for (const Sample& s : ScrapeLike(120)) c.Append(s.t_ms, s.v);
  for (auto _ : state) {
    XorIterator it(c.bytes());
    double sum = 0;
    while (it.Next()) sum += it.At().v;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * 120);
}
BENCHMARK(BM_XorDecode120);

}  // namespace

BENCHMARK_MAIN();
