#include "promql/printer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

#include "promql/parser/duration.h"
#include "promql/parser/quote.h"
#include "storage/labels.h"

namespace cairn::promql {
namespace {

std::string LabelName(const std::string& name) {
  return storage::IsLegacyLabelName(name) ? name : GoQuote(name);
}

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += LabelName(labels[i]);
  }
  return out;
}

std::string MatcherString(const storage::Matcher& m) {
  return LabelName(m.name()) + std::string(storage::MatchTypeString(m.type())) + GoQuote(m.value());
}

std::string AtString(const AtModifier& at) {
  switch (at.kind) {
    case AtKind::kNone: return "";
    case AtKind::kStart: return " @ start()";
    case AtKind::kEnd: return " @ end()";
    case AtKind::kTimestamp: break;
  }
  uint64_t abs = at.t_ms < 0 ? static_cast<uint64_t>(-(at.t_ms + 1)) + 1 : static_cast<uint64_t>(at.t_ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, " @ %s%llu.%03llu", at.t_ms < 0 ? "-" : "",
                static_cast<unsigned long long>(abs / 1000), static_cast<unsigned long long>(abs % 1000));
  return buf;
}

std::string DurationString(const Duration& d) {
  if (d.is_expr()) return Format(*d.expr);
  return parser::FormatDurationMs(d.ms);
}

std::string OffsetString(bool has_offset, const Duration& d) {
  if (!has_offset) return "";
  if (!d.is_expr()) return d.ms == 0 ? "" : " offset " + parser::FormatDurationMs(d.ms);
  // A bare binary duration expression would re-parse as `(x offset a) op b`.
  if (d.expr->As<BinaryExpr>() != nullptr) return " offset (" + Format(*d.expr) + ")";
  return " offset " + Format(*d.expr);
}

std::string SelectorString(const VectorSelector& vs) {
  std::vector<std::string> labels;
  for (const auto& m : vs.matchers) {
    if (m.name() == storage::kMetricName && m.type() == storage::MatchType::kEqual && m.value() == vs.name &&
        !vs.name.empty()) {
      continue;
    }
    labels.push_back(MatcherString(m));
  }
  std::sort(labels.begin(), labels.end());
  std::string joined;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) joined += ",";
    joined += labels[i];
  }
  if (!vs.name.empty() && !storage::IsLegacyMetricName(vs.name)) {
    return "{" + GoQuote(vs.name) + (joined.empty() ? "" : "," + joined) + "}";
  }
  if (labels.empty()) return vs.name;
  return vs.name + "{" + joined + "}";
}

std::string SelectorModifiers(const VectorSelector& vs) {
  std::string out = AtString(vs.at) + OffsetString(vs.has_offset, vs.offset);
  if (vs.anchored) out += " anchored";
  if (vs.smoothed) out += " smoothed";
  return out;
}

std::string MatchingString(const BinaryExpr& b) {
  if (!b.matching) return "";
  const VectorMatching& vm = *b.matching;
  std::string out;
  bool grouped = vm.card == Cardinality::kManyToOne || vm.card == Cardinality::kOneToMany;
  if (!vm.matching_labels.empty() || vm.on || grouped) {
    out = std::string(vm.on ? " on" : " ignoring") + " (" + JoinLabels(vm.matching_labels) + ")";
    if (grouped) {
      out += std::string(vm.card == Cardinality::kManyToOne ? " group_left" : " group_right") + " (" +
             JoinLabels(vm.include_labels) + ")";
    }
  }
  auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  if (vm.fill_left && vm.fill_right && same(*vm.fill_left, *vm.fill_right)) {
    out += " fill(" + FormatFloat(*vm.fill_left) + ")";
  } else {
    if (vm.fill_left) out += " fill_left(" + FormatFloat(*vm.fill_left) + ")";
    if (vm.fill_right) out += " fill_right(" + FormatFloat(*vm.fill_right) + ")";
  }
  return out;
}

struct Printer {
  std::string operator()(const NumberLiteral& n) const {
    if (n.is_duration && std::isfinite(n.value)) {
      return parser::FormatDurationMs(static_cast<int64_t>(std::llround(n.value * 1000.0)));
    }
    return FormatFloat(n.value);
  }
  std::string operator()(const StringLiteral& s) const { return GoQuote(s.value); }
  std::string operator()(const VectorSelector& vs) const { return SelectorString(vs) + SelectorModifiers(vs); }
  std::string operator()(const MatrixSelector& m) const {
    return SelectorString(m.selector) + "[" + DurationString(m.range) + "]" + SelectorModifiers(m.selector);
  }
  std::string operator()(const SubqueryExpr& s) const {
    std::string out = Format(*s.expr) + "[" + DurationString(s.range) + ":";
    if (s.has_step) out += DurationString(s.step);
    return out + "]" + AtString(s.at) + OffsetString(s.has_offset, s.offset);
  }
  std::string operator()(const ParenExpr& p) const { return "(" + Format(*p.expr) + ")"; }
  std::string operator()(const UnaryExpr& u) const {
    return std::string(u.op == UnaryOp::kSub ? "-" : "+") + Format(*u.expr);
  }
  std::string operator()(const BinaryExpr& b) const {
    std::string lhs = Format(*b.lhs);
    // "+Inf ^ 2" would re-parse as +(Inf ^ 2): unary binds looser than ^.
    if (b.op == BinaryOp::kPow && lhs.rfind("+Inf", 0) == 0) lhs.erase(0, 1);
    return lhs + " " + std::string(BinaryOpString(b.op)) + (b.return_bool ? " bool" : "") + MatchingString(b) +
           " " + Format(*b.rhs);
  }
  std::string operator()(const AggregateExpr& a) const {
    std::string out(AggregateOpString(a.op));
    if (a.without) {
      out += " without (" + JoinLabels(a.grouping) + ") ";
    } else if (!a.grouping.empty()) {
      out += " by (" + JoinLabels(a.grouping) + ") ";
    }
    out += "(";
    if (a.param) out += Format(*a.param) + ", ";
    return out + Format(*a.expr) + ")";
  }
  std::string operator()(const Call& c) const {
    std::string out = c.name + "(";
    for (size_t i = 0; i < c.args.size(); ++i) {
      if (i > 0) out += ", ";
      out += Format(*c.args[i]);
    }
    return out + ")";
  }
};

}  // namespace

std::string FormatFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char sci[64];
  auto r = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  std::string s(sci, r.ptr);
  size_t e = s.find('e');
  int exp = std::stoi(s.substr(e + 1));
  if (exp < -4 || exp >= 6) {
    // Go keeps at least two exponent digits, as to_chars does.
    return s;
  }
  char fixed[64];
  auto f = std::to_chars(fixed, fixed + sizeof fixed, v, std::chars_format::fixed);
  return std::string(fixed, f.ptr);
}

std::string Format(const Expr& e) { return std::visit(Printer{}, e.node); }

namespace {

constexpr size_t kMaxCharactersPerLine = 100;

std::string Indent(int level) { return std::string(2 * static_cast<size_t>(level), ' '); }

struct PrettyPrinter {
  const Expr& self;
  int level;

  bool NeedsSplit() const { return Format(self).size() > kMaxCharactersPerLine; }
  std::string Plain() const { return Indent(level) + Format(self); }

  std::string operator()(const NumberLiteral&) const { return Plain(); }
  std::string operator()(const StringLiteral&) const { return Plain(); }
  std::string operator()(const VectorSelector&) const { return Plain(); }
  std::string operator()(const MatrixSelector&) const { return Plain(); }
  std::string operator()(const SubqueryExpr& s) const {
    // As upstream: an unsplit subquery carries no indent.
    if (!NeedsSplit()) return Format(self);
    std::string suffix = Format(self).substr(Format(*s.expr).size());
    return Pretty(*s.expr, level) + suffix;
  }
  std::string operator()(const ParenExpr& p) const {
    if (!NeedsSplit()) return Plain();
    return Indent(level) + "(\n" + Pretty(*p.expr, level + 1) + "\n" + Indent(level) + ")";
  }
  std::string operator()(const UnaryExpr& u) const {
    std::string child = Pretty(*u.expr, level);
    size_t b = child.find_first_not_of(" \t\n");
    size_t e = child.find_last_not_of(" \t\n");
    child = b == std::string::npos ? "" : child.substr(b, e - b + 1);
    return Indent(level) + (u.op == UnaryOp::kSub ? "-" : "+") + child;
  }
  std::string operator()(const BinaryExpr& b) const {
    if (!NeedsSplit()) return Plain();
    std::string lhs = Pretty(*b.lhs, level + 1);
    size_t first = lhs.find_first_not_of(' ');
    if (b.op == BinaryOp::kPow && first != std::string::npos && lhs.compare(first, 4, "+Inf") == 0) {
      lhs.erase(first, 1);  // see Printer: "+Inf ^ x" would re-parse as +(Inf ^ x)
    }
    return lhs + "\n" + Indent(level) + std::string(BinaryOpString(b.op)) +
           (b.return_bool ? " bool" : "") + MatchingString(b) + "\n" + Pretty(*b.rhs, level + 1);
  }
  std::string operator()(const AggregateExpr& a) const {
    if (!NeedsSplit()) return Plain();
    std::string out = Indent(level) + std::string(AggregateOpString(a.op));
    if (a.without) {
      out += " without (" + JoinLabels(a.grouping) + ") ";
    } else if (!a.grouping.empty()) {
      out += " by (" + JoinLabels(a.grouping) + ") ";
    }
    out += "(\n";
    if (a.param) out += Pretty(*a.param, level + 1) + ",\n";
    return out + Pretty(*a.expr, level + 1) + "\n" + Indent(level) + ")";
  }
  std::string operator()(const Call& c) const {
    if (!NeedsSplit()) return Plain();
    std::string out = Indent(level) + c.name + "(\n";
    for (size_t i = 0; i < c.args.size(); ++i) {
      if (i > 0) out += ",\n";
      out += Pretty(*c.args[i], level + 1);
    }
    return out + "\n" + Indent(level) + ")";
  }
};

}  // namespace

std::string Pretty(const Expr& e, int level) { return std::visit(PrettyPrinter{e, level}, e.node); }

}  // namespace cairn::promql
