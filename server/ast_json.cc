#include "server/ast_json.h"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "promql/functions_table.h"

namespace cairn::server {

namespace {

using namespace promql;

std::string_view CardinalityName(Cardinality c) {
  switch (c) {
    case Cardinality::kOneToOne: return "one-to-one";
    case Cardinality::kManyToOne: return "many-to-one";
    case Cardinality::kOneToMany: return "one-to-many";
    case Cardinality::kManyToMany: return "many-to-many";
  }
  return "one-to-one";
}

// strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an
// exponent.
std::string FixedFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

int64_t DurationMs(const Duration& d) { return d.is_expr() ? 0 : d.ms; }

void StringList(JsonWriter& w, const std::vector<std::string>& l) {
  w.BeginArray();
  for (const auto& s : l) w.String(s);
  w.EndArray();
}

void OptionalNumber(JsonWriter& w, const std::optional<double>& v) {
  if (v) {
    w.Double(*v);
  } else {
    w.Null();
  }
}

void StartOrEnd(JsonWriter& w, const AtModifier& at) {
  w.Key("startOrEnd");
  if (at.kind == AtKind::kStart) {
    w.String("start");
  } else if (at.kind == AtKind::kEnd) {
    w.String("end");
  } else {
    w.Null();
  }
}

void Timestamp(JsonWriter& w, const AtModifier& at) {
  w.Key("timestamp");
  if (at.kind == AtKind::kTimestamp) {
    w.Int(at.t_ms);
  } else {
    w.Null();
  }
}

void Matchers(JsonWriter& w, const storage::Matchers& ms) {
  w.BeginArray();
  for (const auto& m : ms) {
    w.BeginObject();
    w.Key("name");
    w.String(m.name());
    w.Key("type");
    w.String(storage::MatchTypeString(m.type()));
    w.Key("value");
    w.String(m.value());
    w.EndObject();
  }
  w.EndArray();
}

// Keys in sorted order: anchored, matchers, name, offset, [range,] smoothed,
// startOrEnd, timestamp, type.
void Selector(JsonWriter& w, const VectorSelector& vs, const Duration* range) {
  w.BeginObject();
  w.Key("anchored");
  w.Bool(vs.anchored);
  w.Key("matchers");
  Matchers(w, vs.matchers);
  w.Key("name");
  w.String(vs.name);
  w.Key("offset");
  w.Int(DurationMs(vs.offset));
  if (range != nullptr) {
    w.Key("range");
    w.Int(DurationMs(*range));
  }
  w.Key("smoothed");
  w.Bool(vs.smoothed);
  StartOrEnd(w, vs.at);
  Timestamp(w, vs.at);
  w.Key("type");
  w.String(range != nullptr ? "matrixSelector" : "vectorSelector");
  w.EndObject();
}

struct Writer {
  JsonWriter& w;

  void operator()(const NumberLiteral& n) const {
    w.BeginObject();
    w.Key("type");
    w.String("numberLiteral");
    w.Key("val");
    w.String(FixedFloat(n.value));
    w.EndObject();
  }
  void operator()(const StringLiteral& s) const {
    w.BeginObject();
    w.Key("type");
    w.String("stringLiteral");
    w.Key("val");
    w.String(s.value);
    w.EndObject();
  }
  void operator()(const VectorSelector& vs) const { Selector(w, vs, nullptr); }
  void operator()(const MatrixSelector& ms) const { Selector(w, ms.selector, &ms.range); }
  void operator()(const SubqueryExpr& sq) const {
    w.BeginObject();
    w.Key("alignEvalTime");
    w.Bool(false);
    w.Key("expr");
    WriteAstJson(w, *sq.expr);
    w.Key("offset");
    w.Int(DurationMs(sq.offset));
    w.Key("range");
    w.Int(DurationMs(sq.range));
    StartOrEnd(w, sq.at);
    w.Key("step");
    w.Int(sq.has_step ? DurationMs(sq.step) : 0);
    Timestamp(w, sq.at);
    w.Key("type");
    w.String("subquery");
    w.EndObject();
  }
  void operator()(const ParenExpr& p) const {
    w.BeginObject();
    w.Key("expr");
    WriteAstJson(w, *p.expr);
    w.Key("type");
    w.String("parenExpr");
    w.EndObject();
  }
  void operator()(const UnaryExpr& u) const {
    w.BeginObject();
    w.Key("expr");
    WriteAstJson(w, *u.expr);
    w.Key("op");
    w.String(u.op == UnaryOp::kSub ? "-" : "+");
    w.Key("type");
    w.String("unaryExpr");
    w.EndObject();
  }
  void operator()(const BinaryExpr& b) const {
    w.BeginObject();
    w.Key("bool");
    w.Bool(b.return_bool);
    w.Key("lhs");
    WriteAstJson(w, *b.lhs);
    w.Key("matching");
    if (b.matching) {
      const VectorMatching& m = *b.matching;
      w.BeginObject();
      w.Key("card");
      w.String(CardinalityName(m.card));
      w.Key("fillValues");
      w.BeginObject();
      w.Key("lhs");
      OptionalNumber(w, m.fill_left);
      w.Key("rhs");
      OptionalNumber(w, m.fill_right);
      w.EndObject();
      w.Key("include");
      StringList(w, m.include_labels);
      w.Key("labels");
      StringList(w, m.matching_labels);
      w.Key("on");
      w.Bool(m.on);
      w.EndObject();
    } else {
      w.Null();
    }
    w.Key("op");
    w.String(BinaryOpString(b.op));
    w.Key("rhs");
    WriteAstJson(w, *b.rhs);
    w.Key("type");
    w.String("binaryExpr");
    w.EndObject();
  }
  void operator()(const AggregateExpr& a) const {
    w.BeginObject();
    w.Key("expr");
    WriteAstJson(w, *a.expr);
    w.Key("grouping");
    StringList(w, a.grouping);
    w.Key("op");
    w.String(AggregateOpString(a.op));
    w.Key("param");
    if (a.param) {
      WriteAstJson(w, *a.param);
    } else {
      w.Null();
    }
    w.Key("type");
    w.String("aggregation");
    w.Key("without");
    w.Bool(a.without);
    w.EndObject();
  }
  void operator()(const Call& c) const {
    w.BeginObject();
    w.Key("args");
    w.BeginArray();
    for (const auto& a : c.args) WriteAstJson(w, *a);
    w.EndArray();
    w.Key("func");
    w.BeginObject();
    w.Key("argTypes");
    w.BeginArray();
    if (c.func != nullptr) {
      for (ValueType t : c.func->arg_types) w.String(ValueTypeGoName(t));
    }
    w.EndArray();
    w.Key("name");
    w.String(c.name);
    w.Key("returnType");
    w.String(ValueTypeGoName(c.return_type));
    w.Key("variadic");
    w.Int(c.func != nullptr ? c.func->variadic : 0);
    w.EndObject();
    w.Key("type");
    w.String("call");
    w.EndObject();
  }
};

}  // namespace

void WriteAstJson(JsonWriter& w, const Expr& e) { std::visit(Writer{w}, e.node); }

}  // namespace cairn::server
