// The scrape manager's HTTP face: /api/v1/targets, /api/v1/scrape_pools and
// /api/v1/targets/metadata, in Prometheus' shapes (COMPAT.md §1.5).
#include <unistd.h>

#include <algorithm>

#include "promql/parser/parser.h"
#include "server/api/api_error.h"
#include "server/api/api_response.h"
#include "server/api/params.h"
#include "server/metadata_store.h"
#include "server/server.h"
#include "util/duration.h"

namespace cairn::server {

namespace {

void WriteLabels(JsonWriter& w, const storage::Labels& ls) {
  w.BeginObject();
  for (const auto& l : ls) {
    w.Key(l.name);
    w.String(l.value);
  }
  w.EndObject();
}

// Prometheus' globalUrl: the scrape URL as another host would reach it, the
// loopback names replaced by this host's name.
std::string GlobalUrl(const std::string& url) {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) return url;
  for (std::string_view local : {"://localhost:", "://127.0.0.1:", "://[::1]:"}) {
    if (size_t p = url.find(local); p != std::string::npos) {
      return url.substr(0, p) + "://" + host + ":" + url.substr(p + local.size());
    }
  }
  return url;
}

bool MatchesAll(const storage::Matchers& ms, const storage::Labels& ls) {
  return std::all_of(ms.begin(), ms.end(), [&](const storage::Matcher& m) { return m.Matches(ls.Get(m.name())); });
}

}  // namespace

void Server::RegisterScrapeRoutes() {
  router_.Add("/api/v1/targets", {"GET"}, [this](const http::HttpRequest& req) {
    if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    api::Form form = api::ApiV1::ParseForm(req);
    const std::string state = form.Get("state").value_or("any");
    const std::vector<std::string> pools = form.GetAll("scrapePool");
    auto wanted_pool = [&](const std::string& p) {
      return pools.empty() || std::find(pools.begin(), pools.end(), p) != pools.end();
    };
    const bool show_active = state == "any" || state == "active" || state.empty();
    const bool show_dropped = state == "any" || state == "dropped" || state.empty();
    std::vector<scrape::TargetView> active, dropped;
    std::map<std::string, size_t> dropped_counts;
    if (scrapes_) {
      if (show_active) active = scrapes_->ActiveTargets();
      if (show_dropped) dropped = scrapes_->DroppedTargets();
      dropped_counts = scrapes_->DroppedTargetCounts();
    }
    std::erase_if(active, [&](const scrape::TargetView& t) { return !wanted_pool(t.pool); });
    std::erase_if(dropped, [&](const scrape::TargetView& t) { return !wanted_pool(t.pool); });
    std::sort(active.begin(), active.end(), [](const auto& a, const auto& b) {
      return a.pool != b.pool ? a.pool < b.pool : a.labels < b.labels;
    });
    return api::ApiSuccess([&](JsonWriter& w) {
      w.BeginObject();
      w.Key("activeTargets");
      w.BeginArray();
      for (const auto& t : active) {
        w.BeginObject();
        w.Key("discoveredLabels");
        WriteLabels(w, t.discovered);
        w.Key("labels");
        WriteLabels(w, t.labels);
        w.Key("scrapePool");
        w.String(t.pool);
        w.Key("scrapeUrl");
        w.String(t.url);
        w.Key("globalUrl");
        w.String(GlobalUrl(t.url));
        w.Key("lastError");
        w.String(t.health.last_error);
        w.Key("lastScrape");
        w.String(t.health.last_scrape_ms == 0 ? "0001-01-01T00:00:00Z" : api::FormatRfc3339(t.health.last_scrape_ms));
        w.Key("lastScrapeDuration");
        w.Double(t.health.last_duration_seconds);
        w.Key("health");
        w.String(scrape::HealthName(t.health.health));
        w.Key("scrapeInterval");
        w.String(FormatDurationMs(t.interval_ms));
        w.Key("scrapeTimeout");
        w.String(FormatDurationMs(t.timeout_ms));
        w.EndObject();
      }
      w.EndArray();
      w.Key("droppedTargets");
      w.BeginArray();
      for (const auto& t : dropped) {
        w.BeginObject();
        w.Key("discoveredLabels");
        WriteLabels(w, t.discovered);
        w.Key("scrapePool");
        w.String(t.pool);
        w.EndObject();
      }
      w.EndArray();
      w.Key("droppedTargetCounts");
      w.BeginObject();
      for (const auto& [pool, n] : dropped_counts) {
        if (!wanted_pool(pool)) continue;
        w.Key(pool);
        w.Uint(n);
      }
      w.EndObject();
      w.EndObject();
    });
  });

  router_.Add("/api/v1/scrape_pools", {"GET"}, [this](const http::HttpRequest&) {
    if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    std::vector<std::string> names = scrapes_ ? scrapes_->PoolNames() : std::vector<std::string>{};
    return api::ApiSuccess([&](JsonWriter& w) {
      w.BeginObject();
      w.Key("scrapePools");
      w.BeginArray();
      for (const auto& n : names) w.String(n);
      w.EndArray();
      w.EndObject();
    });
  });

  router_.Add("/api/v1/targets/metadata", {"GET"}, [this](const http::HttpRequest& req) {
    if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    api::Form form = api::ApiV1::ParseForm(req);
    int64_t limit = -1;
    if (auto l = form.Get("limit"); l && !l->empty()) {
      auto n = api::ParseLimit(*l);
      if (!n.ok()) return api::ApiFailure(api::InvalidParam("limit", n.status().message()));
      limit = *n > 0 ? static_cast<int64_t>(*n) : -1;
    }
    storage::Matchers target_matchers;
    if (auto m = form.Get("match_target"); m && !m->empty()) {
      auto parse = options_.parse_selector ? options_.parse_selector
                                           : api::SelectorParser(promql::parser::ParseMetricSelector);
      auto ms = parse(*m);
      if (!ms.ok()) return api::ApiFailure(Status::InvalidArgument(ms.status().message()));
      target_matchers = std::move(*ms);
    }
    const std::optional<std::string> metric = form.Get("metric");
    std::vector<scrape::ScrapePool::TargetMetadata> entries;
    if (scrapes_) entries = scrapes_->TargetsMetadata();
    std::erase_if(entries, [&](const auto& e) {
      return (metric && !metric->empty() && e.family != *metric) || !MatchesAll(target_matchers, e.target);
    });
    if (limit >= 0 && entries.size() > static_cast<size_t>(limit)) entries.resize(static_cast<size_t>(limit));
    if (entries.empty()) return api::ApiFailure(Status::NotFound("specified metadata not found"));
    return api::ApiSuccess([&](JsonWriter& w) {
      w.BeginArray();
      for (const auto& e : entries) {
        w.BeginObject();
        w.Key("target");
        WriteLabels(w, e.target);
        if (!metric || metric->empty()) {
          w.Key("metric");
          w.String(e.family);
        }
        w.Key("type");
        w.String(storage::MetricTypeName(e.md.type));
        w.Key("help");
        w.String(e.md.help);
        w.Key("unit");
        w.String(e.md.unit);
        w.EndObject();
      }
      w.EndArray();
    });
  });
}

}  // namespace cairn::server
