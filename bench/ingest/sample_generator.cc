#include "bench/ingest/sample_generator.h"

#include <algorithm>
#include <cmath>

namespace cairn::bench {
namespace {

// Rounds to 1/scale (scale a power of ten), giving the double nearest to the decimal
// (as a text exposition would): an exact integer divided by a power of ten.
double RoundDecimals(double v, double scale) { return std::round(v * scale) / scale; }

double RoundPages(double v) { return std::round(v / 4096.0) * 4096.0; }

// The first value, at the precision the series keeps.
double StartValue(const SeriesSpec& s) {
  switch (s.kind) {
    case ValueKind::kCounterCents:
    case ValueKind::kGaugeCents:
      return RoundDecimals(s.start, 100);
    case ValueKind::kGaugePages:
      return RoundPages(s.start);
    case ValueKind::kCounterInt:
      return std::floor(s.start);
    default:
      return s.start;
  }
}

}  // namespace

SampleGenerator::SampleGenerator(const std::vector<SeriesSpec>* specs, uint64_t seed,
                                 ScrapeSchedule schedule)
    : specs_(specs), seed_(seed), schedule_(schedule) {
  state_.reserve(specs->size());
  for (size_t i = 0; i < specs->size(); ++i) {
    state_.push_back(State{StartValue((*specs)[i]), SplitMix64(HashWords(seed, i, 0x5e71e5ULL))});
  }
}

int64_t SampleGenerator::TimestampMs(uint32_t instance, uint32_t round) const {
  const int64_t offset =
      static_cast<int64_t>(HashWords(seed_, instance, 0x0ff5e7ULL) % schedule_.interval_ms);
  int64_t jitter = 0;
  if (schedule_.jitter_ms > 0) {
    const uint64_t span = static_cast<uint64_t>(2 * schedule_.jitter_ms + 1);
    jitter = static_cast<int64_t>(HashWords(seed_ ^ 0x7177e7ULL, instance, round) % span) -
             schedule_.jitter_ms;
  }
  return schedule_.start_ms + static_cast<int64_t>(round) * schedule_.interval_ms + offset + jitter;
}

void SampleGenerator::Observe(uint32_t instance, uint32_t round, double le, double* count,
                              double* sum) const {
  SplitMix64 rng(HashWords(seed_ ^ 0x0b5e4eULL, instance, round));
  const int n = 1 + static_cast<int>(rng.Below(6));
  *count = 0;
  *sum = 0;
  for (int k = 0; k < n; ++k) {
    const double d = 0.02 * std::exp(0.9 * rng.RoughNormal());
    if (d <= le) *count += 1;
    *sum += d;
  }
}

double SampleGenerator::NextValue(size_t index, uint32_t round) {
  const SeriesSpec& s = (*specs_)[index];
  State& st = state_[index];
  if (round == 0) return st.value;
  const double seconds = static_cast<double>(schedule_.interval_ms) / 1000.0;
  switch (s.kind) {
    case ValueKind::kCounterCents:
      st.value = RoundDecimals(
          st.value + std::max(0.0, s.rate * seconds * (1 + 0.3 * st.rng.RoughNormal())), 100);
      break;
    case ValueKind::kCounterInt:
      st.value += std::floor(std::max(0.0, s.rate * seconds * (1 + 0.5 * st.rng.RoughNormal())));
      break;
    case ValueKind::kGaugeCents:
      st.value = std::clamp(RoundDecimals(st.value + s.rate * st.rng.RoughNormal(), 100), s.low, s.high);
      break;
    case ValueKind::kGaugePages:
      st.value = std::clamp(RoundPages(st.value + s.rate * st.rng.RoughNormal()),
                            RoundPages(s.low), RoundPages(s.high));
      break;
    case ValueKind::kConstant:
      break;
    case ValueKind::kHistogramBucket:
    case ValueKind::kHistogramSum:
    case ValueKind::kHistogramCount: {
      double count = 0, sum = 0;
      const double le = s.kind == ValueKind::kHistogramBucket ? s.le : INFINITY;
      Observe(s.instance, round, le, &count, &sum);
      if (s.kind == ValueKind::kHistogramSum) {
        st.value = RoundDecimals(st.value + sum, 1e4);
      } else {
        st.value += count;
      }
      break;
    }
  }
  return st.value;
}

}  // namespace cairn::bench
