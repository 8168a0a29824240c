#include "tools/promql_test/compare.h"

#include <re2/re2.h>

#include <cmath>
#include <limits>
#include <map>

#include "promql/value_format.h"
#include "storage/sample.h"

namespace cairn::promql_test {

namespace {

std::string Num(double v) {
  if (storage::IsStaleNaN(v)) return "stale";
  return promql::FormatGoG(v);
}

bool Matches(const MessagePattern& p, const std::string& text) {
  switch (p.kind) {
    case MessagePattern::Kind::kAny: return true;
    case MessagePattern::Kind::kExact: return p.text == text;
    case MessagePattern::Kind::kRegex: return re2::RE2::PartialMatch(text, p.text);
  }
  return false;
}

std::string CheckKind(const char* kind, const std::vector<MessagePattern>& patterns, bool none,
                      const std::vector<std::string>& got) {
  if (none && !got.empty()) return std::string("unexpected ") + kind + ": " + got[0];
  if (patterns.empty()) return "";
  if (got.empty()) return std::string("expected a ") + kind + ", got none";
  for (const auto& p : patterns) {
    bool any = false;
    for (const auto& g : got) any = any || Matches(p, g);
    if (!any) return std::string("no ") + kind + " matches \"" + p.text + "\"; got: " + got[0];
  }
  for (const auto& g : got) {
    bool any = false;
    for (const auto& p : patterns) any = any || Matches(p, g);
    if (!any) return std::string("unexpected ") + kind + ": " + g;
  }
  return "";
}

const char* TypeName(const promql::Value& v) {
  switch (v.index()) {
    case 0: return "scalar";
    case 1: return "string";
    case 2: return "vector";
    default: return "matrix";
  }
}

std::string CheckMatrix(const EvalCommand& cmd, const promql::Matrix& m, int64_t start, int64_t step, int64_t end) {
  if (cmd.ordered) return "expect ordered is invalid for a range result";
  size_t steps = step > 0 ? static_cast<size_t>((end - start) / step) + 1 : 0;
  for (const auto& e : cmd.expected) {
    if (e.values.size() > steps) return "series " + e.labels.ToString() + " lists more values than the query has steps";
  }
  for (size_t i = 1; i < m.size(); ++i) {
    if (!(m[i - 1].metric < m[i].metric)) return "matrix is not sorted by labels";
  }
  std::map<storage::Labels, const ExpectedSeries*> want;
  for (const auto& e : cmd.expected) want[e.labels] = &e;
  if (m.size() != want.size()) {
    std::string extra;
    for (const auto& s : m) {
      if (!want.count(s.metric)) {
        extra = "; unexpected series " + s.metric.ToString();
        break;
      }
    }
    return "expected " + std::to_string(want.size()) + " series, got " + std::to_string(m.size()) + extra;
  }
  for (const auto& s : m) {
    auto it = want.find(s.metric);
    if (it == want.end()) return "unexpected series " + s.metric.ToString();
    std::vector<std::pair<int64_t, double>> exp;
    for (size_t k = 0; k < it->second->values.size(); ++k) {
      const SeriesValue& v = it->second->values[k];
      if (v.kind == SeriesValue::Kind::kFloat) exp.emplace_back(start + static_cast<int64_t>(k) * step, v.f);
    }
    if (exp.size() != s.floats.size()) {
      std::string got;
      for (const auto& p : s.floats) got += " " + std::to_string(p.t_ms) + ":" + Num(p.f);
      return "series " + s.metric.ToString() + ": expected " + std::to_string(exp.size()) + " points, got " +
             std::to_string(s.floats.size()) + " [" + got + " ]";
    }
    for (size_t k = 0; k < exp.size(); ++k) {
      if (exp[k].first != s.floats[k].t_ms || !AlmostEqual(exp[k].second, s.floats[k].f)) {
        return "series " + s.metric.ToString() + " point " + std::to_string(k) + ": expected " +
               Num(exp[k].second) + " @" + std::to_string(exp[k].first) + ", got " + Num(s.floats[k].f) + " @" +
               std::to_string(s.floats[k].t_ms);
      }
    }
  }
  return "";
}

std::string CheckVector(const EvalCommand& cmd, const promql::Vector& v, bool check_order) {
  if (v.size() != cmd.expected.size()) {
    std::string detail;
    for (const auto& s : v) {
      bool known = false;
      for (const auto& e : cmd.expected) known = known || e.labels == s.metric;
      if (!known) {
        detail = "; unexpected " + s.metric.ToString() + " " + Num(s.f);
        break;
      }
    }
    return "expected " + std::to_string(cmd.expected.size()) + " samples, got " + std::to_string(v.size()) + detail;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    const ExpectedSeries* e = nullptr;
    size_t pos = 0;
    for (size_t j = 0; j < cmd.expected.size(); ++j) {
      if (cmd.expected[j].labels == v[i].metric) {
        e = &cmd.expected[j];
        pos = j;
      }
    }
    if (e == nullptr) return "unexpected sample " + v[i].metric.ToString() + " " + Num(v[i].f);
    if (check_order && pos != i) return "sample " + v[i].metric.ToString() + " out of order";
    if (e->values.size() != 1 || e->values[0].kind != SeriesValue::Kind::kFloat) {
      return "an instant expectation needs exactly one float value per series";
    }
    if (!AlmostEqual(e->values[0].f, v[i].f)) {
      return v[i].metric.ToString() + ": expected " + Num(e->values[0].f) + ", got " + Num(v[i].f);
    }
  }
  return "";
}

}  // namespace

bool AlmostEqual(double a, double b) {
  if (storage::IsStaleNaN(a) || storage::IsStaleNaN(b)) return storage::IsStaleNaN(a) && storage::IsStaleNaN(b);
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  const double eps = 1e-6;
  const double min_normal = std::numeric_limits<double>::min();
  double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || std::fabs(a) + std::fabs(b) < min_normal) return diff < eps * min_normal;
  return diff / std::fmin(std::fabs(a) + std::fabs(b), std::numeric_limits<double>::max()) < eps;
}

std::string CheckAnnotations(const EvalCommand& cmd, const promql::Annotations& annos) {
  std::string r = CheckKind("warning", cmd.warn, cmd.no_warn, annos.warnings);
  if (!r.empty()) return r;
  return CheckKind("info", cmd.info, cmd.no_info, annos.infos);
}

std::string CheckValue(const EvalCommand& cmd, const promql::Value& value, bool expect_matrix,
                       int64_t range_start_ms, int64_t range_step_ms, int64_t range_end_ms, bool check_order) {
  if (cmd.expect_string) {
    const auto* s = std::get_if<promql::String>(&value);
    if (s == nullptr) return std::string("expected a string, got a ") + TypeName(value);
    if (s->v != *cmd.expect_string) return "expected string \"" + *cmd.expect_string + "\", got \"" + s->v + "\"";
    return "";
  }
  if (cmd.expect_scalar) {
    const auto* s = std::get_if<promql::Scalar>(&value);
    if (s == nullptr) return std::string("expected a scalar, got a ") + TypeName(value);
    if (!AlmostEqual(*cmd.expect_scalar, s->v)) return "expected scalar " + Num(*cmd.expect_scalar) + ", got " + Num(s->v);
    return "";
  }
  if (expect_matrix) {
    const auto* m = std::get_if<promql::Matrix>(&value);
    if (m == nullptr) return std::string("expected a matrix, got a ") + TypeName(value);
    return CheckMatrix(cmd, *m, range_start_ms, range_step_ms, range_end_ms);
  }
  const auto* v = std::get_if<promql::Vector>(&value);
  if (v == nullptr) return std::string("expected a vector, got a ") + TypeName(value);
  return CheckVector(cmd, *v, check_order);
}

}  // namespace cairn::promql_test
