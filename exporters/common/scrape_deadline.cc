#include "exporters/common/scrape_deadline.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace cairn::exporters {
namespace {

thread_local bool t_has_deadline = false;
thread_local Deadline t_deadline;

}  // namespace

Deadline ScrapeDeadlineFromHeader(std::string_view header_value, Deadline now) {
  std::string text(header_value);
  char* end = nullptr;
  double seconds = text.empty() ? 0 : std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || !std::isfinite(seconds) || seconds <= 0) {
    return now + kDefaultScrapeTimeout;
  }
  // A header of 1e78 s must not overflow the clock's integer ticks: no scrape
  // waits longer than a day.
  seconds = std::min(seconds, 86400.0);
  double margin = std::min(0.5, seconds / 10);
  auto budget = std::chrono::duration<double>(seconds - margin);
  return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(budget);
}

Deadline CurrentScrapeDeadline() {
  return t_has_deadline ? t_deadline : std::chrono::steady_clock::now() + kDefaultScrapeTimeout;
}

ScopedScrapeDeadline::ScopedScrapeDeadline(Deadline deadline)
    : had_previous_(t_has_deadline), previous_(t_deadline) {
  t_has_deadline = true;
  t_deadline = deadline;
}

ScopedScrapeDeadline::~ScopedScrapeDeadline() {
  t_has_deadline = had_previous_;
  t_deadline = previous_;
}

}  // namespace cairn::exporters
