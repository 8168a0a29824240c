#include "promql/parser/duration.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <boost/spirit/home/x3.hpp>

#include "promql/parser/parser.h"
#include "promql/parser/quote.h"

namespace cairn::promql::parser {
namespace {

namespace x3 = boost::spirit::x3;

// Nanoseconds per unit, in the order units must appear.
struct Unit {
  std::string_view name;
  uint64_t ns;
};
constexpr Unit kUnits[] = {
    {"y", 365ULL * 24 * 3600 * 1000000000ULL}, {"w", 7ULL * 24 * 3600 * 1000000000ULL},
    {"d", 24ULL * 3600 * 1000000000ULL},       {"h", 3600ULL * 1000000000ULL},
    {"m", 60ULL * 1000000000ULL},              {"s", 1000000000ULL},
    {"ms", 1000000ULL},
};

constexpr double kMaxSeconds = 9223372036.854775807;  // 2^63 ns

Status OutOfRange() { return Status::InvalidArgument("duration out of range"); }

}  // namespace

Result<int64_t> ParseDurationMs(std::string_view text) {
  if (text == "0") return int64_t{0};
  if (text.empty()) return Status::InvalidArgument("empty duration string");
  const std::string invalid = "not a valid duration string: " + GoQuote(text);
  // Groups of <digits><non-digits>; units are validated below so that the
  // messages match Prometheus'.
  std::vector<std::pair<std::string, std::string>> groups;
  auto it = text.begin();
  auto on_digits = [&](auto& ctx) {
    const auto& r = x3::_attr(ctx);
    groups.emplace_back(std::string(r.begin(), r.end()), std::string());
  };
  auto on_unit = [&](auto& ctx) {
    const auto& r = x3::_attr(ctx);
    groups.back().second.assign(r.begin(), r.end());
  };
  const auto grammar = +(x3::raw[+x3::digit][on_digits] >> x3::raw[+(x3::char_ - x3::digit)][on_unit]);
  if (!x3::parse(it, text.end(), grammar) || it != text.end()) {
    return Status::InvalidArgument(invalid);
  }
  uint64_t total_ns = 0;
  int last_unit = -1;
  for (const auto& [digits, unit] : groups) {
    int idx = -1;
    for (int i = 0; i < static_cast<int>(std::size(kUnits)); ++i) {
      if (kUnits[i].name == unit) idx = i;
    }
    if (idx < 0) {
      return Status::InvalidArgument("unknown unit " + GoQuote(unit) + " in duration " + GoQuote(text));
    }
    if (idx <= last_unit) return Status::InvalidArgument(invalid);
    last_unit = idx;
    uint64_t v = 0;
    for (char c : digits) {
      if (v > (UINT64_MAX - 9) / 10) return Status::InvalidArgument(invalid);
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v > (1ULL << 63) / kUnits[idx].ns) return OutOfRange();
    total_ns += v * kUnits[idx].ns;
    if (total_ns > (1ULL << 63) - 1) return OutOfRange();
  }
  return static_cast<int64_t>(total_ns / 1000000ULL);
}

Result<double> EvalDurationSeconds(const Expr& e, const DurationContext& ctx) {
  if (const auto* n = e.As<NumberLiteral>()) return n->value;
  if (const auto* p = e.As<ParenExpr>()) return EvalDurationSeconds(*p->expr, ctx);
  if (const auto* u = e.As<UnaryExpr>()) {
    auto v = EvalDurationSeconds(*u->expr, ctx);
    if (!v.ok()) return v;
    return u->op == UnaryOp::kSub ? -*v : *v;
  }
  if (const auto* c = e.As<Call>()) {
    if (c->name == "step" && c->args.empty()) return static_cast<double>(ctx.step_ms) / 1000.0;
    if (c->name == "range" && c->args.empty()) return static_cast<double>(ctx.range_ms) / 1000.0;
    if ((c->name == "min_of" || c->name == "max_of") && c->args.size() == 2) {
      auto a = EvalDurationSeconds(*c->args[0], ctx);
      if (!a.ok()) return a;
      auto b = EvalDurationSeconds(*c->args[1], ctx);
      if (!b.ok()) return b;
      return c->name == "min_of" ? std::min(*a, *b) : std::max(*a, *b);
    }
    return Status::InvalidArgument("unexpected function " + GoQuote(c->name) + " in duration expression");
  }
  if (const auto* b = e.As<BinaryExpr>()) {
    auto l = EvalDurationSeconds(*b->lhs, ctx);
    if (!l.ok()) return l;
    auto r = EvalDurationSeconds(*b->rhs, ctx);
    if (!r.ok()) return r;
    switch (b->op) {
      case BinaryOp::kAdd: return *l + *r;
      case BinaryOp::kSub: return *l - *r;
      case BinaryOp::kMul: return *l * *r;
      case BinaryOp::kDiv:
        if (*r == 0) return Status::InvalidArgument("division by zero");
        return *l / *r;
      case BinaryOp::kMod:
        if (*r == 0) return Status::InvalidArgument("modulo by zero");
        return std::fmod(*l, *r);
      case BinaryOp::kPow: return std::pow(*l, *r);
      default: break;
    }
  }
  return Status::InvalidArgument("unexpected node in duration expression");
}

Result<int64_t> EvalDuration(const Duration& d, const DurationContext& ctx) {
  if (!d.is_expr()) return d.ms;
  auto secs = EvalDurationSeconds(*d.expr, ctx);
  if (!secs.ok()) return secs.status();
  if (!std::isfinite(*secs) || std::fabs(*secs) >= kMaxSeconds) return OutOfRange();
  return static_cast<int64_t>(std::llround(*secs * 1000.0));
}


}  // namespace cairn::promql::parser
