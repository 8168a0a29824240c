#include "server/federation.h"

#include <algorithm>
#include <map>
#include <utility>

#include "server/metrics/registry.h"
#include "util/go_quote.h"

namespace cairn::server {
namespace {

constexpr std::string_view kTextFormat = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kInstanceLabel = "instance";

// Go's http.Error: the message and a newline, as plain text.
http::HttpResponse PlainError(int status, const std::string& message) {
  http::HttpResponse r = http::HttpResponse::Text(status, message + "\n");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

// A metric or label name the text format 0.0.4 can carry: names that are not
// valid legacy metric names (UTF-8 names, which remote write accepts) get '_'
// for every rune not allowed at its place, as Prometheus 3 escapes them for a
// scraper that does not ask for UTF-8 names (model.EscapeName, underscores).
// Unescaped, one such name would make the whole answer unparseable.
std::string EscapeName(std::string_view name) {
  if (storage::IsLegacyMetricName(name)) return std::string(name);
  std::string out;
  for (size_t i = 0, len = 1; i < name.size(); i += len) {
    const uint32_t r = DecodeRune(name, i, len);
    const bool legacy = (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_' || r == ':' ||
                        (r >= '0' && r <= '9' && i > 0);
    out.push_back(legacy ? static_cast<char>(r) : '_');
  }
  return out;
}

void AppendLabel(std::string_view name, std::string_view value, bool first, std::string* out) {
  if (!first) out->push_back(',');
  out->append(EscapeName(name));
  out->append("=\"");
  metrics::AppendEscapedLabelValue(value, out);
  out->push_back('"');
}

}  // namespace

std::string WriteFederationText(const std::vector<FederatedSample>& samples,
                                const storage::Labels& external_labels) {
  // The labels appended to series lacking them; upstream adds an empty
  // `instance` unless one is configured.
  storage::Labels added = external_labels;
  if (!added.Has(kInstanceLabel)) {
    std::vector<storage::Label> with_instance = std::move(added).Release();
    with_instance.push_back({std::string(kInstanceLabel), ""});
    added = storage::Labels::FromUnsorted(std::move(with_instance));
  }
  std::string out;
  std::string_view family;
  std::string escaped_family;
  bool in_family = false;
  for (const FederatedSample& s : samples) {
    std::string_view name = s.labels.MetricName();
    if (name.empty()) continue;  // upstream skips nameless series
    if (!in_family || name != family) {
      family = name;
      escaped_family = EscapeName(name);
      in_family = true;
      out += "# TYPE ";
      out += escaped_family;
      out += " untyped\n";
    }
    out += escaped_family;
    out.push_back('{');
    bool first = true;
    for (const storage::Label& l : s.labels) {
      // An empty value means unset; __name__ heads the line instead.
      if (l.value.empty() || l.name == storage::kMetricName) continue;
      AppendLabel(l.name, l.value, first, &out);
      first = false;
    }
    for (const storage::Label& l : added) {
      if (!s.labels.Get(l.name).empty()) continue;
      AppendLabel(l.name, l.value, first, &out);
      first = false;
    }
    out += "} ";
    out += metrics::FormatMetricValue(s.sample.v);
    out.push_back(' ');
    out += std::to_string(s.sample.t_ms);
    out.push_back('\n');
  }
  return out;
}

void Federation::Register(http::Router& router) {
  router.Add("/federate", {"GET", "POST"}, [this](const http::HttpRequest& req) { return Handle(req); });
}

http::HttpResponse Federation::Handle(const http::HttpRequest& req) {
  if (!deps_.state->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
  api::Form form = api::ApiV1::ParseForm(req);
  std::vector<storage::Matchers> match_sets;
  for (const std::string& selector : form.GetAll("match[]")) {
    auto matchers = deps_.parse_selector(selector);
    if (!matchers.ok()) return PlainError(400, matchers.status().message());
    match_sets.push_back(std::move(matchers).value());
  }
  auto samples = Collect(match_sets, deps_.clock->NowMs());
  if (!samples.ok()) {
    errors_.fetch_add(1);
    return PlainError(500, samples.status().message());
  }
  http::HttpResponse r;
  r.status = 200;
  r.content_type = std::string(kTextFormat);
  r.body = WriteFederationText(*samples, deps_.state->config().external_labels);
  return r;
}

Result<std::vector<FederatedSample>> Federation::Collect(const std::vector<storage::Matchers>& match_sets,
                                                         int64_t now_ms) {
  const int64_t mint = now_ms - deps_.lookback_delta_ms;
  auto querier = deps_.queryable->NewQuerier(mint, now_ms);
  if (!querier.ok()) return querier.status();
  // Keyed by labels: a series matched by several selectors is written once.
  std::map<storage::Labels, storage::Sample> newest;
  for (const storage::Matchers& matchers : match_sets) {
    // Prometheus' TSDB selects nothing for a selector without matchers ("{}").
    if (matchers.empty()) continue;
    storage::SelectHints hints;
    hints.start_ms = mint;
    hints.end_ms = now_ms;
    std::unique_ptr<storage::SeriesSet> set = (*querier)->Select(hints, matchers);
    while (set->Next()) {
      const storage::Series& series = set->At();
      if (newest.count(series.labels()) > 0) continue;
      std::unique_ptr<storage::SeriesIterator> it = series.Iterator();
      bool found = false;
      storage::Sample last;
      for (bool ok = it->Seek(mint); ok && it->At().t_ms <= now_ms; ok = it->Next()) {
        last = it->At();
        found = true;
      }
      if (!it->status().ok()) return it->status();
      // The exposition formats cannot carry a stale marker: such a series is
      // left out, and the scraper's own staleness handling ends it.
      if (!found || storage::IsStaleNaN(last.v)) continue;
      newest.emplace(series.labels(), last);
    }
    if (!set->status().ok()) return set->status();
    warnings_.fetch_add(set->Warnings().size());
  }
  std::vector<FederatedSample> out;
  out.reserve(newest.size());
  for (auto& [labels, sample] : newest) out.push_back({labels, sample});
  // Grouped per metric name; within a name, in label order.
  std::stable_sort(out.begin(), out.end(), [](const FederatedSample& a, const FederatedSample& b) {
    return a.labels.MetricName() < b.labels.MetricName();
  });
  return out;
}

}  // namespace cairn::server
