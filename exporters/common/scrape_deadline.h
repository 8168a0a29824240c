// The deadline of the scrape being served, for collectors that do I/O.
//
// prometheus::Collectable::Collect() takes no arguments, so the server puts
// the current request's deadline in a thread-local while it collects on that
// thread. A collector that talks to its source (nginx's stub_status, a
// database) reads CurrentScrapeDeadline() and gives up in time, reporting its
// `*_up` as 0, so that Prometheus gets an answer inside its scrape timeout.
#pragma once

#include <chrono>
#include <string_view>

namespace cairn::exporters {

using Deadline = std::chrono::steady_clock::time_point;

// Used when a request carries no X-Prometheus-Scrape-Timeout-Seconds header
// (Prometheus' default scrape_timeout).
inline constexpr std::chrono::milliseconds kDefaultScrapeTimeout{10000};

// The deadline for a scrape starting at `now`: the header's seconds (Prometheus
// sends its scrape_timeout there) less a safety margin of a tenth, capped at
// 0.5 s, so the answer still makes it back in time; kDefaultScrapeTimeout when
// the header is absent or not a positive number.
Deadline ScrapeDeadlineFromHeader(std::string_view header_value, Deadline now);

// The deadline of the scrape collecting on this thread; now + kDefaultScrapeTimeout
// outside a scrape (e.g. a collector called from a test).
Deadline CurrentScrapeDeadline();

// Sets this thread's scrape deadline for its lifetime (restores the previous one).
class ScopedScrapeDeadline {
 public:
  explicit ScopedScrapeDeadline(Deadline deadline);
  ~ScopedScrapeDeadline();
  ScopedScrapeDeadline(const ScopedScrapeDeadline&) = delete;
  ScopedScrapeDeadline& operator=(const ScopedScrapeDeadline&) = delete;

 private:
  bool had_previous_;
  Deadline previous_;
};

}  // namespace cairn::exporters
