// /api/v1/query, /api/v1/query_range, /api/v1/format_query, /api/v1/parse_query: parameter rules
// of COMPAT.md §1.3 are checked here; evaluation goes through deps.run_query.
#include <algorithm>

#include "server/api/api_v1.h"

namespace cairn::server::api {
namespace {

constexpr int64_t kMaxPoints = 11000;

Result<int64_t> TimeParam(const Form& form, const char* name, std::optional<int64_t> dflt) {
  auto v = form.Get(name);
  if ((!v || v->empty()) && dflt) return *dflt;
  auto t = ParseTime(v.value_or(""));
  if (!t.ok()) return Status::InvalidArgument(std::string("invalid parameter \"") + name + "\": " + t.status().message());
  return t;
}

Result<int64_t> DurationParam(const Form& form, const char* name) {
  auto v = form.Get(name);
  if (!v || v->empty()) return int64_t{0};
  auto d = ParseDuration(*v);
  if (!d.ok()) return Status::InvalidArgument(std::string("invalid parameter \"") + name + "\": " + d.status().message());
  return d;
}

}  // namespace

http::HttpResponse ApiV1::Query(const http::HttpRequest& req, bool range) {
  Form form = ParseForm(req);
  QueryRequest q;
  q.range = range;
  q.query = form.Get("query").value_or("");
  if (range) {
    auto start = TimeParam(form, "start", std::nullopt);
    if (!start.ok()) return ApiFailure(start.status());
    auto end = TimeParam(form, "end", std::nullopt);
    if (!end.ok()) return ApiFailure(end.status());
    if (*end < *start) {
      return ApiFailure(Status::InvalidArgument("end timestamp must not be before start timestamp"));
    }
    auto step_text = form.Get("step").value_or("");
    auto step = ParseDuration(step_text);
    if (!step.ok()) return ApiFailure(Status::InvalidArgument("invalid parameter \"step\": " + step.status().message()));
    if (*step <= 0) {
      return ApiFailure(Status::InvalidArgument(
          "zero or negative query resolution step widths are not accepted. Try a positive integer"));
    }
    // Upstream compares durations: (end - start) / step > 11000.
    if ((*end - *start) / *step > kMaxPoints) {
      return ApiFailure(Status::InvalidArgument(
          "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution "
          "(?step=XX)"));
    }
    q.start_ms = *start;
    q.end_ms = *end;
    q.step_ms = *step;
  } else {
    auto t = TimeParam(form, "time", deps_.clock->NowMs());
    if (!t.ok()) return ApiFailure(t.status());
    q.time_ms = *t;
  }
  auto timeout = DurationParam(form, "timeout");
  if (!timeout.ok()) return ApiFailure(timeout.status());
  q.timeout_ms = deps_.query_timeout_ms;
  if (*timeout > 0) q.timeout_ms = deps_.query_timeout_ms > 0 ? std::min(*timeout, deps_.query_timeout_ms) : *timeout;
  auto lookback = DurationParam(form, "lookback_delta");
  if (!lookback.ok()) return ApiFailure(lookback.status());
  q.lookback_delta_ms = *lookback > 0 ? *lookback : deps_.lookback_delta_ms;
  if (auto l = form.Get("limit"); l && !l->empty()) {
    auto v = ParseLimit(*l);
    if (!v.ok()) return ApiFailure(Status::InvalidArgument("invalid parameter \"limit\": " + v.status().message()));
    q.limit = *v;
  }
  q.stats = form.Get("stats").value_or("");
  if (!deps_.run_query) return ApiFailure(Status::Unavailable("the query engine is not available"));
  auto answer = deps_.run_query(q);
  if (!answer.ok()) return ApiFailure(answer.status());
  return ApiSuccess(answer->write_data, answer->warnings, answer->infos);
}

http::HttpResponse ApiV1::FormatQuery(const http::HttpRequest& req) {
  Form form = ParseForm(req);
  if (!deps_.format_query) return ApiFailure(Status::Unavailable("the PromQL printer is not available"));
  auto text = deps_.format_query(form.Get("query").value_or(""));
  if (!text.ok()) return ApiFailure(Status::InvalidArgument(text.status().message()));
  return ApiSuccess([&](JsonWriter& w) { w.String(*text); });
}

http::HttpResponse ApiV1::ParseQuery(const http::HttpRequest& req) {
  Form form = ParseForm(req);
  if (!deps_.parse_query) return ApiFailure(Status::Unavailable("the PromQL parser is not available"));
  auto tree = deps_.parse_query(form.Get("query").value_or(""));
  if (!tree.ok()) return ApiFailure(Status::InvalidArgument(tree.status().message()));
  return ApiSuccess([&](JsonWriter& w) { w.Raw(*tree); });
}

}  // namespace cairn::server::api
