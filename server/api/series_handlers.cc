// /api/v1/series, /api/v1/labels, /api/v1/label/<name>/values (COMPAT.md §1.4).
#include <algorithm>
#include <set>

#include "server/api/api_error.h"
#include "server/api/api_v1.h"
#include "server/api/label_name.h"
#include "storage/labels.h"
#include "storage/querier_warnings.h"

namespace cairn::server::api {
namespace {

constexpr const char* kTruncated = "results truncated due to limit";

Result<uint64_t> LimitParam(const Form& form) {
  auto s = form.Get("limit");
  if (!s || s->empty()) return uint64_t{0};
  auto l = ParseLimit(*s);
  if (!l.ok()) return InvalidParam("limit", l.status().message());
  return l;
}

void WriteLabels(JsonWriter& w, const storage::Labels& labels) {
  w.BeginObject();
  for (const auto& l : labels) {
    w.Key(l.name);
    w.String(l.value);
  }
  w.EndObject();
}

// Applies `limit` (0 = none) to a sorted list, noting the truncation.
template <typename T>
void Truncate(std::vector<T>* items, uint64_t limit, std::vector<std::string>* warnings) {
  if (limit > 0 && items->size() > limit) {
    items->resize(limit);
    warnings->push_back(kTruncated);
  }
}

http::HttpResponse StringList(const std::vector<std::string>& items, const std::vector<std::string>& warnings) {
  return ApiSuccess(
      [&](JsonWriter& w) {
        w.BeginArray();
        for (const auto& s : items) w.String(s);
        w.EndArray();
      },
      warnings);
}

}  // namespace

http::HttpResponse ApiV1::Series(const http::HttpRequest& req) {
  Form form = ParseForm(req);
  if (form.GetAll("match[]").empty()) return ApiFailure(Status::InvalidArgument("no match[] parameter provided"));
  auto q = OpenMetadataQuery(form);
  if (!q.ok()) return ApiFailure(q.status());
  std::set<storage::Labels> found;
  std::vector<std::string> warnings;
  storage::SelectHints hints;
  hints.start_ms = q->start_ms;
  hints.end_ms = q->end_ms;
  hints.func = "series";
  hints.sorted = true;
  for (const auto& matchers : q->match_sets) {
    auto ss = q->querier->Select(hints, matchers);
    while (ss->Next()) found.insert(ss->At().labels());
    if (!ss->status().ok()) return ApiFailure(ss->status());
    for (auto& w : ss->Warnings()) warnings.push_back(std::move(w));
  }
  std::vector<storage::Labels> series(found.begin(), found.end());
  Truncate(&series, q->limit, &warnings);
  return ApiSuccess(
      [&](JsonWriter& w) {
        w.BeginArray();
        for (const auto& ls : series) WriteLabels(w, ls);
        w.EndArray();
      },
      warnings);
}

Result<ApiV1::MetadataQuery> ApiV1::OpenMetadataQuery(const Form& form) const {
  MetadataQuery q;
  auto range = ParseRange(form);
  if (!range.ok()) return range.status();
  q.start_ms = range->first;
  q.end_ms = range->second;
  auto limit = LimitParam(form);
  if (!limit.ok()) return limit.status();
  q.limit = *limit;
  auto sets = ParseMatchSets(form);
  if (!sets.ok()) return sets.status();
  q.match_sets = std::move(sets).value();
  auto querier = deps_.queryable->NewQuerier(q.start_ms, q.end_ms);
  if (!querier.ok()) return querier.status();
  q.querier = std::move(querier).value();
  return q;
}

http::HttpResponse ApiV1::SortedUnion(const Form& form, const ListFn& list) {
  auto q = OpenMetadataQuery(form);
  if (!q.ok()) return ApiFailure(q.status());
  std::set<std::string> all;
  if (q->match_sets.empty()) q->match_sets.push_back({});
  for (const auto& matchers : q->match_sets) {
    auto r = list(*q->querier, matchers);
    if (!r.ok()) return ApiFailure(r.status());
    all.insert(r->begin(), r->end());
  }
  std::vector<std::string> out(all.begin(), all.end());
  std::vector<std::string> warnings;
  // A merged remote that failed (remote/merge_queryable.h) is a warning.
  if (auto* notes = dynamic_cast<const storage::QuerierWarnings*>(q->querier.get())) warnings = notes->Warnings();
  Truncate(&out, q->limit, &warnings);
  return StringList(out, warnings);
}

http::HttpResponse ApiV1::Labels(const http::HttpRequest& req) {
  return SortedUnion(ParseForm(req), [](storage::Querier& q, const storage::Matchers& ms) {
    return q.LabelNames(ms);
  });
}

http::HttpResponse ApiV1::LabelValues(const http::HttpRequest& req) {
  auto it = req.path_params.find("name");
  std::string name = UnescapeLabelName(it == req.path_params.end() ? "" : it->second);
  if (name.empty() || !storage::IsValidUtf8(name)) {
    return ApiFailure(Status::InvalidArgument("invalid label name: \"" + name + "\""));
  }
  return SortedUnion(ParseForm(req), [&name](storage::Querier& q, const storage::Matchers& ms) {
    return q.LabelValues(name, ms);
  });
}

http::HttpResponse ApiV1::Metadata(const http::HttpRequest& req) {
  Form form = ParseForm(req);
  auto limit = LimitParam(form);
  if (!limit.ok()) return ApiFailure(limit.status());
  if (auto lpm = form.Get("limit_per_metric"); lpm && !lpm->empty() && !ParseLimit(*lpm).ok()) {
    return ApiFailure(InvalidParam("limit_per_metric", "invalid limit"));
  }
  std::string metric = form.Get("metric").value_or("");
  auto entries = deps_.metadata->Snapshot();
  return ApiSuccess([&](JsonWriter& w) {
    w.BeginObject();
    uint64_t n = 0;
    for (const auto& [family, md] : entries) {
      if (!metric.empty() && family != metric) continue;
      if (*limit > 0 && n >= *limit) break;
      ++n;
      w.Key(family);
      w.BeginArray();
      w.BeginObject();
      w.Key("type");
      w.String(storage::MetricTypeName(md.type));
      w.Key("help");
      w.String(md.help);
      w.Key("unit");
      w.String(md.unit);
      w.EndObject();
      w.EndArray();
    }
    w.EndObject();
  });
}

http::HttpResponse ApiV1::QueryExemplars(const http::HttpRequest& req) {
  // Exemplars are not stored; a valid empty answer is what Grafana's probe
  // needs (COMPAT.md §1.3). Parameters are still validated, the query too:
  // one that selects no series answers null, as upstream does.
  Form form = ParseForm(req);
  auto range = ParseRange(form);
  if (!range.ok()) return ApiFailure(range.status());
  if (range->second < range->first) {
    return ApiFailure(Status::InvalidArgument("end timestamp must not be before start timestamp"));
  }
  bool selects = true;
  if (deps_.has_selectors) {
    auto r = deps_.has_selectors(form.Get("query").value_or(""));
    if (!r.ok()) return ApiFailure(r.status());
    selects = *r;
  }
  return ApiSuccess([selects](JsonWriter& w) {
    if (!selects) {
      w.Null();
      return;
    }
    w.BeginArray();
    w.EndArray();
  });
}

}  // namespace cairn::server::api
