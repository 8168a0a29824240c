// /api/v1/status/{buildinfo,flags,config,runtimeinfo,tsdb} (COMPAT.md §1.5).
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "server/api/api_v1.h"
#include "server/build_info.h"

namespace cairn::server::api {
namespace {

void WriteNameValueList(JsonWriter& w, const char* key, const storage::CardinalityStats::Top& items) {
  w.Key(key);
  w.BeginArray();
  for (const auto& [name, value] : items) {
    w.BeginObject();
    w.Key("name");
    w.String(name);
    w.Key("value");
    w.Uint(value);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

http::HttpResponse ApiV1::BuildInfo(const http::HttpRequest&) {
  const server::BuildInfo& b = GetBuildInfo();
  // No "features" key: Grafana would take a non-empty map for Mimir.
  return ApiSuccess([&](JsonWriter& w) {
    w.BeginObject();
    w.Key("version");
    w.String(b.version);
    w.Key("revision");
    w.String(b.revision);
    w.Key("branch");
    w.String(b.branch);
    w.Key("buildUser");
    w.String(b.build_user);
    w.Key("buildDate");
    w.String(b.build_date);
    w.Key("goVersion");
    w.String(b.compiler);
    w.EndObject();
  });
}

http::HttpResponse ApiV1::Flags(const http::HttpRequest&) {
  return ApiSuccess([&](JsonWriter& w) {
    w.BeginObject();
    for (const auto& [name, value] : deps_.state->flags()) {
      w.Key(name);
      w.String(value);
    }
    w.EndObject();
  });
}

http::HttpResponse ApiV1::ConfigStatus(const http::HttpRequest&) {
  Config cfg = deps_.state->config();
  return ApiSuccess([&](JsonWriter& w) {
    w.BeginObject();
    w.Key("yaml");
    w.String(cfg.yaml);
    w.EndObject();
  });
}

http::HttpResponse ApiV1::RuntimeInfo(const http::HttpRequest&) {
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  char host[HOST_NAME_MAX + 1] = {0};
  gethostname(host, sizeof(host) - 1);
  HeadStats head = ComputeHeadStats();
  const auto& flags = deps_.state->flags();
  std::string retention;
  auto t = flags.find("storage.tsdb.retention.time");
  auto s = flags.find("storage.tsdb.retention.size");
  if (t != flags.end() && t->second != "0s" && t->second != "0") retention = t->second;
  if (s != flags.end() && s->second != "0B") retention += (retention.empty() ? "" : " or ") + s->second;
  return ApiSuccess([&](JsonWriter& w) {
    w.BeginObject();
    w.Key("startTime");
    w.String(FormatRfc3339(deps_.state->start_ms()));
    w.Key("CWD");
    w.String(cwd);
    w.Key("hostname");
    w.String(host);
    w.Key("serverTime");
    w.String(FormatRfc3339(deps_.clock->NowMs()));
    w.Key("reloadConfigSuccess");
    w.Bool(deps_.state->last_reload_ok());
    w.Key("lastConfigTime");
    w.String(FormatRfc3339(deps_.state->last_reload_success_ms()));
    w.Key("timeSeriesCount");
    w.Int(head.num_series);
    w.Key("corruptionCount");
    w.Int(0);
    w.Key("goroutineCount");
    w.Int(0);
    w.Key("GOMAXPROCS");
    w.Uint(std::thread::hardware_concurrency());
    w.Key("GOMEMLIMIT");
    w.Int(INT64_MAX);
    w.Key("GOGC");
    w.String("");
    w.Key("GODEBUG");
    w.String("");
    w.Key("storageRetention");
    w.String(retention);
    w.EndObject();
  });
}

HeadStats ApiV1::ComputeHeadStats() const {
  if (deps_.head_stats) return deps_.head_stats();
  HeadStats h;
  auto querier = deps_.queryable->NewQuerier(kMinTimeMs, kMaxTimeMs);
  if (!querier.ok()) return h;
  auto m = storage::Matcher::Make(storage::MatchType::kRegexMatch, std::string(storage::kMetricName), ".+");
  if (!m.ok()) return h;
  auto ss = (*querier)->Select(storage::SelectHints{}, {*m});
  bool first = true;
  while (ss->Next()) {
    ++h.num_series;
    auto it = ss->At().Iterator();
    while (it->Next()) {
      int64_t t = it->At().t_ms;
      if (first || t < h.min_time_ms) h.min_time_ms = t;
      if (first || t > h.max_time_ms) h.max_time_ms = t;
      first = false;
    }
  }
  return h;
}

Result<storage::CardinalityStats> ApiV1::ScanCardinality(const std::vector<storage::Matchers>& match_sets,
                                                             size_t limit) const {
  // Each selector is answered by Select, which resolves its matchers through
  // the index postings, so a narrow selector touches only its own series.
  std::vector<storage::Matchers> sets = match_sets;
  const bool filtered = !sets.empty();
  if (!filtered) {
    auto all = storage::Matcher::Make(storage::MatchType::kRegexMatch, std::string(storage::kMetricName), ".+");
    if (!all.ok()) return all.status();
    sets.push_back({*all});
  }
  auto querier = deps_.queryable->NewQuerier(kMinTimeMs, kMaxTimeMs);
  if (!querier.ok()) return querier.status();
  std::set<storage::Labels> seen;
  std::map<std::string, uint64_t> by_metric, by_pair, label_bytes;
  std::map<std::string, std::set<std::string>> values_by_name;
  for (const auto& matchers : sets) {
    auto ss = (*querier)->Select(storage::SelectHints{}, matchers);
    while (ss->Next()) {
      const storage::Labels& ls = ss->At().labels();
      // Selectors may overlap; count each series once.
      if (filtered && !seen.insert(ls).second) continue;
      ++by_metric[std::string(ls.MetricName())];
      for (const auto& l : ls) {
        ++by_pair[l.name + "=" + l.value];
        if (values_by_name[l.name].insert(l.value).second) label_bytes[l.name] += l.value.size();
      }
    }
    if (!ss->status().ok()) return ss->status();
  }
  storage::CardinalityStats st;
  for (const auto& [name, n] : by_metric) st.num_series += n;
  st.num_label_pairs = by_pair.size();
  st.series_count_by_metric_name.assign(by_metric.begin(), by_metric.end());
  st.series_count_by_label_value_pair.assign(by_pair.begin(), by_pair.end());
  st.memory_in_bytes_by_label_name.assign(label_bytes.begin(), label_bytes.end());
  for (const auto& [name, vals] : values_by_name) st.label_value_count_by_label_name.emplace_back(name, vals.size());
  storage::SortAndCut(&st.series_count_by_metric_name, limit);
  storage::SortAndCut(&st.series_count_by_label_value_pair, limit);
  storage::SortAndCut(&st.memory_in_bytes_by_label_name, limit);
  storage::SortAndCut(&st.label_value_count_by_label_name, limit);
  return st;
}

http::HttpResponse ApiV1::TsdbStatus(const http::HttpRequest& req) {
  Form form = ParseForm(req);
  uint64_t limit = 10;
  if (auto l = form.Get("limit"); l && !l->empty()) {
    auto v = ParseLimit(*l);
    if (!v.ok() || *v == 0 || *v > 10000) {
      return ApiFailure(Status::InvalidArgument("limit must be a positive number less than or equal to 10000"));
    }
    limit = *v;
  }
  // match[] (VictoriaMetrics' name for it; Prometheus has no filter): the
  // top lists count only the series some selector matches.
  auto match_sets = ParseMatchSets(form);
  if (!match_sets.ok()) return ApiFailure(match_sets.status());
  const bool filtered = !match_sets->empty();
  HeadStats head = ComputeHeadStats();
  storage::CardinalityStats stats;
  if (!filtered && deps_.index_stats) {
    // The whole index: read off the postings, one pass over label pairs.
    stats = deps_.index_stats(limit);
  } else {
    auto scanned = ScanCardinality(*match_sets, limit);
    if (!scanned.ok()) return ApiFailure(scanned.status());
    stats = std::move(scanned).value();
  }
  return ApiSuccess([&](JsonWriter& w) {
    w.BeginObject();
    w.Key("headStats");
    w.BeginObject();
    w.Key("numSeries");
    w.Int(head.num_series);
    w.Key("numLabelPairs");
    w.Uint(stats.num_label_pairs);
    w.Key("chunkCount");
    w.Int(head.chunk_count);
    w.Key("minTime");
    w.Int(head.min_time_ms);
    w.Key("maxTime");
    w.Int(head.max_time_ms);
    w.EndObject();
    if (filtered) {
      // Cairn's addition: how many series the match[] selectors cover, for
      // their share of the head (headStats stays the whole head's).
      w.Key("matchedSeries");
      w.Uint(stats.num_series);
    }
    WriteNameValueList(w, "seriesCountByMetricName", stats.series_count_by_metric_name);
    WriteNameValueList(w, "labelValueCountByLabelName", stats.label_value_count_by_label_name);
    WriteNameValueList(w, "memoryInBytesByLabelName", stats.memory_in_bytes_by_label_name);
    WriteNameValueList(w, "seriesCountByLabelValuePair", stats.series_count_by_label_value_pair);
    w.EndObject();
  });
}

}  // namespace cairn::server::api
