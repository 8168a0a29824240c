// Checks the parsers' zero-allocation promise: once a parser has seen a
// body, parsing it again from scratch with a fresh parser allocates only
// the parser itself and its offset vectors' first growth — nothing per
// sample. Counts calls to the global operator new in this binary.
#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <cstdlib>
#include <new>
#include <string>

#include "ingest/exposition/parser.h"

// The replacement operator new/delete pair is malloc/free underneath, which
// GCC cannot see through when it inlines them.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
std::atomic<int64_t> g_allocations{0};
}  // namespace

// Keeps values alive so the parse loop is not optimised away.
volatile size_t g_sink = 0;
void Sink(size_t v) { g_sink = g_sink + v; }

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace cairn::ingest::exposition {
namespace {

std::string Body(bool openmetrics, int series) {
  std::string b = "# HELP m A metric.\n# TYPE m counter\n";
  for (int i = 0; i < series; ++i) {
    b += "m_total{instance=\"host-" + std::to_string(i) + "\",job=\"node\",mode=\"idle\"} " +
         std::to_string(i) + ".5 " + (openmetrics ? "1700000000.5" : "1700000000500");
    if (openmetrics && i % 3 == 0) b += " # {trace_id=\"abc" + std::to_string(i) + "\"} 1.5 1700000000.1";
    b += "\n";
  }
  b += "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum NaN\nh_count +Inf\n";
  if (openmetrics) b += "# EOF\n";
  return b;
}

// Allocations made by parsing `body` to the end, touching every accessor a
// warm scrape cache uses (no Labels()).
int64_t AllocationsToParse(Format format, const std::string& body, int64_t* samples) {
  const int64_t before = g_allocations.load();
  auto p = NewParser(format, body);
  *samples = 0;
  for (;;) {
    Result<Entry> e = p->Next();
    if (!e.ok() || *e == Entry::kEnd) break;
    if (*e == Entry::kSeries) {
      ++*samples;
      Sink(p->SeriesKey().size() + std::bit_cast<uint64_t>(p->Value()) +
           static_cast<size_t>(p->Timestamp().value_or(0)));
    } else if (*e == Entry::kHelp) {
      Sink(p->Help().size());
    }
  }
  return g_allocations.load() - before;
}

TEST(ExpositionAllocationTest, NothingPerSample) {
  for (Format format : {Format::kPrometheusText, Format::kOpenMetrics}) {
    const bool om = format == Format::kOpenMetrics;
    int64_t small_samples = 0, large_samples = 0;
    const int64_t small = AllocationsToParse(format, Body(om, 10), &small_samples);
    const int64_t large = AllocationsToParse(format, Body(om, 5000), &large_samples);
    EXPECT_EQ(small_samples, 14);
    EXPECT_EQ(large_samples, 5004);
    // The same fixed cost (parser object, vector growth) for 14 and 5,004
    // samples.
    EXPECT_EQ(large, small) << (om ? "OpenMetrics" : "text");
    EXPECT_GT(small, 0);  // the counter sees the parser itself
    EXPECT_LT(small, 10);
  }
}

}  // namespace
}  // namespace cairn::ingest::exposition
