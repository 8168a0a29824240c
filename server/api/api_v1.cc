#include "server/api/api_v1.h"

#include <utility>

#include "server/api/api_error.h"

namespace cairn::server::api {

ApiV1::ApiV1(ApiDeps deps) : deps_(std::move(deps)) {}

Form ApiV1::ParseForm(const http::HttpRequest& req) {
  Form form;
  std::string_view ct = req.Header("content-type");
  if ((req.method == "POST" || req.method == "PUT") &&
      ct.substr(0, std::string_view("application/x-www-form-urlencoded").size()) ==
          "application/x-www-form-urlencoded") {
    form.AddEncoded(req.body);
  }
  form.AddEncoded(req.query);
  return form;
}

void ApiV1::Register(http::Router& router) {
  // API routes answer 503 until the server is ready, as upstream does.
  auto gated = [this](http::HttpResponse (ApiV1::*fn)(const http::HttpRequest&)) {
    return [this, fn](const http::HttpRequest& req) {
      if (!deps_.state->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
      return (this->*fn)(req);
    };
  };
  const std::vector<std::string> get_post = {"GET", "POST"};
  const std::vector<std::string> get = {"GET"};
  router.Add("/api/v1/series", get_post, gated(&ApiV1::Series));
  router.Add("/api/v1/labels", get_post, gated(&ApiV1::Labels));
  router.Add("/api/v1/label/:name/values", get, gated(&ApiV1::LabelValues));
  router.Add("/api/v1/metadata", get, gated(&ApiV1::Metadata));
  router.Add("/api/v1/query_exemplars", get_post, gated(&ApiV1::QueryExemplars));
  router.Add("/api/v1/query", get_post, [this](const http::HttpRequest& req) {
    if (!deps_.state->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    return Query(req, false);
  });
  router.Add("/api/v1/query_range", get_post, [this](const http::HttpRequest& req) {
    if (!deps_.state->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    return Query(req, true);
  });
  router.Add("/api/v1/format_query", get_post, gated(&ApiV1::FormatQuery));
  router.Add("/api/v1/parse_query", get_post, gated(&ApiV1::ParseQuery));
  router.Add("/api/v1/status/buildinfo", get, [this](const http::HttpRequest& req) { return BuildInfo(req); });
  router.Add("/api/v1/status/flags", get, [this](const http::HttpRequest& req) { return Flags(req); });
  router.Add("/api/v1/status/config", get, [this](const http::HttpRequest& req) { return ConfigStatus(req); });
  router.Add("/api/v1/status/runtimeinfo", get, gated(&ApiV1::RuntimeInfo));
  router.Add("/api/v1/status/tsdb", get, gated(&ApiV1::TsdbStatus));
}

Result<std::vector<storage::Matchers>> ApiV1::ParseMatchSets(const Form& form) const {
  std::vector<storage::Matchers> sets;
  if (!deps_.parse_selector && !form.GetAll("match[]").empty()) {
    return Status::Unavailable("series selectors cannot be parsed: no PromQL parser is wired");
  }
  for (const std::string& sel : form.GetAll("match[]")) {
    auto m = deps_.parse_selector(sel);
    if (!m.ok()) return Status::InvalidArgument(m.status().message());
    bool any_non_empty = false;
    for (const auto& matcher : *m) {
      if (!matcher.MatchesEmpty()) any_non_empty = true;
    }
    if (!any_non_empty) return Status::InvalidArgument("match[] must contain at least one non-empty matcher");
    sets.push_back(std::move(m).value());
  }
  return sets;
}

Result<std::pair<int64_t, int64_t>> ApiV1::ParseRange(const Form& form) {
  int64_t start = kMinTimeMs, end = kMaxTimeMs;
  if (auto s = form.Get("start"); s && !s->empty()) {
    auto t = ParseTime(*s);
    if (!t.ok()) return InvalidParam("start", t.status().message());
    start = *t;
  }
  if (auto e = form.Get("end"); e && !e->empty()) {
    auto t = ParseTime(*e);
    if (!t.ok()) return InvalidParam("end", t.status().message());
    end = *t;
  }
  return std::make_pair(start, end);
}

}  // namespace cairn::server::api
