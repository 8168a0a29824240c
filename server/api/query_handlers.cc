// /api/v1/query, /api/v1/query_range, /api/v1/format_query,
// /api/v1/parse_query: parameter rules of COMPAT.md §1.3 are checked here,
// in Prometheus' order and with its
// wording (web/api/v1/api.go: query, queryRange, invalidParamError), so a
// request wrong in two ways is told of the same one. Evaluation goes through
// deps.run_query on deps.offload's threads; the result is streamed.
#include <algorithm>
#include <charconv>
#include <chrono>

#include "server/api/api_error.h"
#include "server/api/api_v1.h"

namespace cairn::server::api {
namespace {

constexpr int64_t kMaxPoints = 11000;

// Upstream's parseLimitParam: strconv.Atoi, then non-negative.
Result<uint64_t> LimitParam(const Form& form) {
  std::string v = form.Get("limit").value_or("");
  if (v.empty()) return uint64_t{0};
  auto syntax = [&] { return InvalidParam("limit", "strconv.Atoi: parsing \"" + v + "\": invalid syntax"); };
  std::string_view digits = v;
  if (digits[0] == '+') {  // Atoi takes either sign; from_chars only '-'
    digits.remove_prefix(1);
    if (digits.empty() || digits[0] == '-') return syntax();
  }
  int64_t n = 0;
  auto res = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (res.ptr != digits.data() + digits.size() || res.ptr == digits.data()) return syntax();
  if (res.ec == std::errc::result_out_of_range) {
    return InvalidParam("limit", "strconv.Atoi: parsing \"" + v + "\": value out of range");
  }
  if (res.ec != std::errc()) return syntax();
  if (n < 0) return InvalidParam("limit", "limit must be non-negative");
  return static_cast<uint64_t>(n);
}

// Upstream's parseTimeParam (instant query's `time`) wraps the parse error.
Result<int64_t> TimeParam(const Form& form, const char* name, int64_t dflt) {
  auto v = form.Get(name);
  if (!v || v->empty()) return dflt;
  auto t = ParseTime(*v);
  if (!t.ok()) {
    return InvalidParam(name, std::string("Invalid time value for '") + name + "': " + t.status().message());
  }
  return t;
}

// Upstream's parseTime (range query's `start` and `end`): required, unwrapped.
Result<int64_t> RequiredTimeParam(const Form& form, const char* name) {
  auto t = ParseTime(form.Get(name).value_or(""));
  if (!t.ok()) return InvalidParam(name, t.status().message());
  return t;
}

}  // namespace

http::HttpResponse ApiV1::Query(const http::HttpRequest& req, bool range) {
  Form form = ParseForm(req);
  QueryRequest q;
  q.range = range;
  q.query = form.Get("query").value_or("");
  auto limit = LimitParam(form);
  if (!limit.ok()) return ApiFailure(limit.status());
  q.limit = *limit;
  if (range) {
    auto start = RequiredTimeParam(form, "start");
    if (!start.ok()) return ApiFailure(start.status());
    auto end = RequiredTimeParam(form, "end");
    if (!end.ok()) return ApiFailure(end.status());
    if (*end < *start) return ApiFailure(InvalidParam("end", "end timestamp must not be before start time"));
    auto step = ParseDuration(form.Get("step").value_or(""));
    if (!step.ok()) return ApiFailure(InvalidParam("step", step.status().message()));
    if (*step <= 0) {
      return ApiFailure(InvalidParam(
          "step", "zero or negative query resolution step widths are not accepted. Try a positive integer"));
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
  q.timeout_ms = deps_.query_timeout_ms;
  if (auto v = form.Get("timeout"); v && !v->empty()) {
    auto timeout = ParseDuration(*v);
    if (!timeout.ok()) return ApiFailure(InvalidParam("timeout", timeout.status().message()));
    if (*timeout > 0) {
      q.timeout_ms = deps_.query_timeout_ms > 0 ? std::min(*timeout, deps_.query_timeout_ms) : *timeout;
    }
  }
  q.lookback_delta_ms = deps_.lookback_delta_ms;
  if (auto v = form.Get("lookback_delta"); v && !v->empty()) {
    // Upstream's extractQueryOpts: no parameter prefix here.
    auto lookback = ParseDuration(*v);
    if (!lookback.ok()) {
      return ApiFailure(Status::InvalidArgument("error parsing lookback delta duration: " +
                                                lookback.status().message()));
    }
    if (*lookback > 0) q.lookback_delta_ms = *lookback;
  }
  q.stats = form.Get("stats").value_or("");
  q.cancel = req.client_gone;
  if (!deps_.run_query) return ApiFailure(Status::Unavailable("the query engine is not available"));

  auto evaluate = [run = deps_.run_query](const QueryRequest& request) {
    auto answer = run(request);
    if (!answer.ok()) return ApiFailure(answer.status());
    return ApiSuccessStreamed(std::move(answer->write_data), std::move(answer->warnings),
                              std::move(answer->infos));
  };
  if (!deps_.offload) return evaluate(q);
  // Off the I/O thread: the executor answers when a slot is free and the
  // query ran; the streamed body is then written from that thread too.
  http::HttpResponse pending;
  pending.async = [offload = deps_.offload, evaluate, q](http::Respond respond) {
    auto submitted = std::chrono::steady_clock::now();
    offload([evaluate, q, submitted, respond = std::move(respond)]() mutable {
      q.queue_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - submitted).count();
      respond(evaluate(q));
    });
  };
  return pending;
}

http::HttpResponse ApiV1::FormatQuery(const http::HttpRequest& req) {
  Form form = ParseForm(req);
  if (!deps_.format_query) return ApiFailure(Status::Unavailable("the PromQL printer is not available"));
  auto text = deps_.format_query(form.Get("query").value_or(""));
  if (!text.ok()) return ApiFailure(text.status());
  return ApiSuccess([&](JsonWriter& w) { w.String(*text); });
}

http::HttpResponse ApiV1::ParseQuery(const http::HttpRequest& req) {
  Form form = ParseForm(req);
  if (!deps_.parse_query) return ApiFailure(Status::Unavailable("the PromQL parser is not available"));
  auto tree = deps_.parse_query(form.Get("query").value_or(""));
  if (!tree.ok()) return ApiFailure(tree.status());
  return ApiSuccess([&](JsonWriter& w) { w.Raw(*tree); });
}

}  // namespace cairn::server::api
