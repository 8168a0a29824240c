// Recursive-descent parser over the X3-lexed tokens. It follows the
// precedence and the conflict resolutions of Prometheus' yacc grammar
// (generated_parser.y), which decide the language in a few places:
//   - binary operators: or < and/unless < comparisons < +,- < *,/,%,atan2,</,>/
//     < ^ (right-associative); unary +/- binds like * (looser than ^);
//     offset, @, [..], anchored and smoothed bind tightest.
//   - `x offset <d>` takes a single duration atom (`-2`, `step()`,
//     `min_of(..)`, `-(..)`), so `x offset 1m + 1m` is `(x offset 1m) + 1m`;
//     only a bare parenthesised duration continues as duration arithmetic.
//   - inside `[...]` the full duration arithmetic applies.
// Syntax errors stop at the first one; type checks (checker.cc) run after a
// successful parse, as Prometheus' checkAST does.
#include "promql/parser/parser.h"

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include "promql/functions_table.h"
#include "promql/parser/checker.h"
#include "promql/parser/lexer.h"
#include "promql/parser/parse_error.h"
#include "promql/parser/quote.h"

namespace cairn::promql::parser {
namespace {

constexpr int kPowPrec = 6;
// Limits that keep recursion (here, in the checker and printer, and in the
// engine) far from the end of a thread's stack, whatever the input. Real
// queries stay far below them; Prometheus has none because Go stacks grow.
constexpr int kMaxNesting = 256;      // nested parse levels (parens, unary, ^ chains, args)
constexpr int kMaxTreeHeight = 1000;  // height of the resulting tree (long operator chains)
constexpr double kMaxDurationSeconds = 9223372036.854775807;  // 2^63 ns

int BinaryPrecedence(Tok t) {
  switch (t) {
    case Tok::kLor: return 1;
    case Tok::kLand: case Tok::kLunless: return 2;
    case Tok::kEqlc: case Tok::kNeq: case Tok::kGtr: case Tok::kLss: case Tok::kGte: case Tok::kLte:
      return 3;
    case Tok::kAdd: case Tok::kSub: return 4;
    case Tok::kMul: case Tok::kDiv: case Tok::kMod: case Tok::kAtan2:
    case Tok::kTrimUpper: case Tok::kTrimLower:
      return 5;
    case Tok::kPow: return kPowPrec;
    default: return 0;
  }
}

BinaryOp ToBinaryOp(Tok t) {
  switch (t) {
    case Tok::kAdd: return BinaryOp::kAdd;
    case Tok::kSub: return BinaryOp::kSub;
    case Tok::kMul: return BinaryOp::kMul;
    case Tok::kDiv: return BinaryOp::kDiv;
    case Tok::kMod: return BinaryOp::kMod;
    case Tok::kPow: return BinaryOp::kPow;
    case Tok::kAtan2: return BinaryOp::kAtan2;
    case Tok::kEqlc: return BinaryOp::kEql;
    case Tok::kNeq: return BinaryOp::kNeq;
    case Tok::kGtr: return BinaryOp::kGtr;
    case Tok::kLss: return BinaryOp::kLss;
    case Tok::kGte: return BinaryOp::kGte;
    case Tok::kLte: return BinaryOp::kLte;
    case Tok::kLand: return BinaryOp::kAnd;
    case Tok::kLor: return BinaryOp::kOr;
    case Tok::kLunless: return BinaryOp::kUnless;
    case Tok::kTrimUpper: return BinaryOp::kTrimUpper;
    case Tok::kTrimLower: return BinaryOp::kTrimLower;
    default: return BinaryOp::kAdd;
  }
}

AggregateOp ToAggregateOp(Tok t) {
  switch (t) {
    case Tok::kSum: return AggregateOp::kSum;
    case Tok::kAvg: return AggregateOp::kAvg;
    case Tok::kCount: return AggregateOp::kCount;
    case Tok::kMin: return AggregateOp::kMin;
    case Tok::kMax: return AggregateOp::kMax;
    case Tok::kGroup: return AggregateOp::kGroup;
    case Tok::kStddev: return AggregateOp::kStddev;
    case Tok::kStdvar: return AggregateOp::kStdvar;
    case Tok::kTopk: return AggregateOp::kTopk;
    case Tok::kBottomk: return AggregateOp::kBottomk;
    case Tok::kCountValues: return AggregateOp::kCountValues;
    case Tok::kQuantile: return AggregateOp::kQuantile;
    case Tok::kLimitk: return AggregateOp::kLimitk;
    default: return AggregateOp::kLimitRatio;
  }
}

// Tokens Prometheus accepts as a metric name (its `metric_identifier`).
bool IsMetricIdentifier(Tok t) {
  switch (t) {
    case Tok::kIdentifier: case Tok::kMetricIdentifier: case Tok::kBy: case Tok::kWithout:
    case Tok::kLand: case Tok::kLor: case Tok::kLunless: case Tok::kOffset: case Tok::kStart:
    case Tok::kEnd: case Tok::kStep: case Tok::kRange: case Tok::kAnchored: case Tok::kSmoothed:
      return true;
    default:
      return IsAggregator(t);
  }
}

// Tokens Prometheus accepts as a label name in grouping lists (`maybe_label`).
bool IsLabelLike(Tok t) {
  return t == Tok::kIdentifier || t == Tok::kMetricIdentifier || IsKeyword(t) || IsAggregator(t) ||
         t == Tok::kLand || t == Tok::kLor || t == Tok::kLunless || t == Tok::kAtan2;
}

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in), toks_(Lex(in)) {}

  Result<ExprPtr> ParseQuery() {
    if (Peek().kind == Tok::kEof) {
      Error(0, "no expression found in input");
      return err_;
    }
    ExprPtr e = ParseExpr(1);
    if (!failed() && Peek().kind != Tok::kEof) Unexpected("", "");
    if (failed()) return err_;
    Status st = CheckAst(*e, in_);
    if (!st.ok()) return st;
    return e;
  }

  Result<storage::Labels> ParseMetricOnly() {
    std::vector<storage::Label> labels;
    const Token& t = Peek();
    if (IsMetricIdentifier(t.kind)) {
      labels.push_back({std::string(storage::kMetricName), Take().text});
    }
    if (Peek().kind == Tok::kLeftBrace) {
      Take();
      while (!failed() && Peek().kind != Tok::kRightBrace) {
        const Token& name = Peek();
        if (name.kind != Tok::kIdentifier && name.kind != Tok::kString) {
          Unexpected("label set", "identifier or \"}\"");
          break;
        }
        Token n = Take();
        std::string label_name = n.kind == Tok::kString ? n.str : n.text;
        if (n.kind == Tok::kString && Peek().kind != Tok::kEql) {
          labels.push_back({std::string(storage::kMetricName), label_name});
        } else {
          if (Peek().kind != Tok::kEql) { Unexpected("label set", "\"=\""); break; }
          Take();
          if (Peek().kind != Tok::kString) { Unexpected("label set", "string"); break; }
          labels.push_back({label_name, Take().str});
        }
        if (Peek().kind == Tok::kComma) {
          Take();
        } else if (Peek().kind != Tok::kRightBrace) {
          Unexpected("label set", "\",\" or \"}\"");
        }
      }
      if (!failed()) Take();
    }
    if (!failed() && Peek().kind != Tok::kEof) Unexpected("", "");
    if (failed()) return err_;
    return storage::Labels::FromUnsorted(std::move(labels));
  }

  Result<storage::Matchers> ParseSelectorOnly() {
    const Token& t = Peek();
    if (!IsMetricIdentifier(t.kind) && t.kind != Tok::kLeftBrace) {
      Unexpected("", "");
      return err_;
    }
    ExprPtr e = ParseVectorSelector();
    if (!failed() && Peek().kind != Tok::kEof) Unexpected("", "");
    if (failed()) return err_;
    return std::move(e->As<VectorSelector>()->matchers);
  }

 private:
  // --- token access and errors ---------------------------------------------

  const Token& Peek(size_t k = 0) const {
    size_t i = std::min(idx_ + k, toks_.size() - 1);
    return toks_[i];
  }
  Token Take() {
    Token t = toks_[idx_];
    if (idx_ + 1 < toks_.size()) ++idx_;
    return t;
  }
  bool failed() const { return !err_.ok(); }

  void Error(int32_t pos, const std::string& msg) {
    if (!failed()) err_ = ParseError(in_, pos, msg);
  }

  // Prometheus' `unexpected <token> [in <context>][, expected <expected>]`;
  // a lexer error token reports its own message instead.
  void Unexpected(const std::string& context, const std::string& expected) {
    const Token& t = Peek();
    if (t.kind == Tok::kError) {
      Error(t.pos, t.text);
      return;
    }
    std::string msg = "unexpected " + DescribeToken(t);
    // Like yacc's error recovery, an error with no production of its own is
    // reported against the innermost enclosing one that has (aggregations).
    std::string ctx = context.empty() && !error_contexts_.empty() ? error_contexts_.back() : context;
    if (!ctx.empty()) msg += " in " + ctx;
    if (!expected.empty()) msg += ", expected " + expected;
    Error(t.pos, msg);
  }

  bool Expect(Tok kind, const std::string& context, const std::string& expected) {
    if (Peek().kind == kind) {
      Take();
      return true;
    }
    Unexpected(context, expected);
    return false;
  }

  int32_t LastEnd() const { return idx_ == 0 ? 0 : toks_[idx_ - 1].end; }

  // --- tree size limits -----------------------------------------------------

  int Height(const ExprPtr& e) const {
    if (!e) return 0;
    auto it = heights_.find(e.get());
    return it == heights_.end() ? 1 : it->second;
  }
  int Height(const Duration& d) const { return Height(d.expr); }

  int ChildHeight(const Expr& e) const {
    int h = 0;
    auto take = [&](int v) { h = std::max(h, v); };
    if (const auto* vs = e.As<VectorSelector>()) take(Height(vs->offset));
    if (const auto* ms = e.As<MatrixSelector>()) {
      take(Height(ms->range));
      take(Height(ms->selector.offset));
    }
    if (const auto* sq = e.As<SubqueryExpr>()) {
      take(Height(sq->expr));
      take(Height(sq->range));
      take(Height(sq->step));
      take(Height(sq->offset));
    }
    if (const auto* p = e.As<ParenExpr>()) take(Height(p->expr));
    if (const auto* u = e.As<UnaryExpr>()) take(Height(u->expr));
    if (const auto* b = e.As<BinaryExpr>()) {
      take(Height(b->lhs));
      take(Height(b->rhs));
    }
    if (const auto* a = e.As<AggregateExpr>()) {
      take(Height(a->expr));
      take(Height(a->param));
    }
    if (const auto* c = e.As<Call>()) {
      for (const auto& arg : c->args) take(Height(arg));
    }
    return h;
  }

  // MakeExpr plus the height bookkeeping behind kMaxTreeHeight.
  template <typename T>
  ExprPtr Node(T node, PosRange pos) {
    ExprPtr e = MakeExpr(std::move(node), pos);
    int h = ChildHeight(*e) + 1;
    heights_[e.get()] = h;
    if (h > kMaxTreeHeight) {
      Error(pos.start, "expression is nested too deeply (more than " + std::to_string(kMaxTreeHeight) + " levels)");
    }
    return e;
  }

  // Counts one parse level for the life of the guard; fails past kMaxNesting.
  class NestingGuard {
   public:
    explicit NestingGuard(Parser& p) : p_(p) {
      if (++p_.nesting_ > kMaxNesting) {
        p_.Error(p_.Peek().pos, "expression is nested too deeply (more than " + std::to_string(kMaxNesting) +
                                    " levels)");
      }
    }
    ~NestingGuard() { --p_.nesting_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    Parser& p_;
  };

  // --- expressions ----------------------------------------------------------

  ExprPtr ParseExpr(int min_prec) {
    NestingGuard guard(*this);
    if (failed()) return nullptr;
    ExprPtr lhs = ParseUnary();
    while (!failed()) {
      Tok k = Peek().kind;
      int prec = BinaryPrecedence(k);
      if (prec == 0 || prec < min_prec) break;
      Take();
      BinaryExpr bin;
      bin.op = ToBinaryOp(k);
      ParseBinModifiers(bin);
      if (failed()) return nullptr;
      ExprPtr rhs = ParseExpr(k == Tok::kPow ? prec : prec + 1);
      if (failed()) return nullptr;
      PosRange pos{lhs->pos.start, rhs->pos.end};
      bin.lhs = std::move(lhs);
      bin.rhs = std::move(rhs);
      lhs = Node(std::move(bin), pos);
    }
    return failed() ? nullptr : std::move(lhs);
  }

  ExprPtr ParseUnary() {
    Tok k = Peek().kind;
    if (k == Tok::kAdd || k == Tok::kSub) {
      int32_t start = Take().pos;
      ExprPtr operand = ParseExpr(kPowPrec);
      if (failed()) return nullptr;
      if (auto* n = operand->As<NumberLiteral>()) {
        if (k == Tok::kSub) n->value = -n->value;
        operand->pos.start = start;
        return operand;
      }
      PosRange pos{start, operand->pos.end};
      return Node(UnaryExpr{k == Tok::kSub ? UnaryOp::kSub : UnaryOp::kAdd, std::move(operand)}, pos);
    }
    ExprPtr e = ParsePrimary();
    if (failed()) return nullptr;
    return ParsePostfix(std::move(e));
  }

  ExprPtr ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kNumber:
      case Tok::kDuration:
        return ParseNumberLiteral();
      case Tok::kString: {
        Token s = Take();
        return Node(StringLiteral{s.str}, {s.pos, s.end});
      }
      case Tok::kLeftParen: {
        int32_t start = Take().pos;
        ExprPtr inner = ParseExpr(1);
        if (failed()) return nullptr;
        if (!Expect(Tok::kRightParen, "", "")) return nullptr;
        return Node(ParenExpr{std::move(inner)}, {start, LastEnd()});
      }
      case Tok::kLeftBrace:
        return ParseVectorSelector();
      case Tok::kIdentifier:
        if (Peek(1).kind == Tok::kLeftParen) return ParseCall();
        return ParseVectorSelector();
      case Tok::kStart: case Tok::kEnd: case Tok::kStep: case Tok::kRange:
        if (Peek(1).kind == Tok::kLeftParen) return ParseCall();
        return ParseVectorSelector();
      default:
        break;
    }
    if (IsAggregator(t.kind)) {
      Tok next = Peek(1).kind;
      if (next == Tok::kLeftParen || next == Tok::kBy || next == Tok::kWithout) return ParseAggregate();
      return ParseVectorSelector();
    }
    if (IsMetricIdentifier(t.kind)) return ParseVectorSelector();
    Unexpected("", "");
    return nullptr;
  }

  ExprPtr ParseNumberLiteral() {
    Token t = Take();
    if (!t.value_ok) {
      Error(t.pos, t.str);
      return nullptr;
    }
    return Node(NumberLiteral{t.number, t.kind == Tok::kDuration}, {t.pos, t.end});
  }

  // Arguments of a call or aggregation: `(` [expr {, expr}] `)`.
  bool ParseArgs(std::vector<ExprPtr>& args) {
    if (!Expect(Tok::kLeftParen, "", "")) return false;
    if (Peek().kind == Tok::kRightParen) {
      Take();
      return true;
    }
    while (!failed()) {
      ExprPtr a = ParseExpr(1);
      if (failed()) return false;
      args.push_back(std::move(a));
      if (Peek().kind == Tok::kComma) {
        Token comma = Take();
        if (Peek().kind == Tok::kRightParen) {
          Error(comma.pos, "trailing commas not allowed in function call args");
          return false;
        }
        continue;
      }
      return Expect(Tok::kRightParen, "", "");
    }
    return false;
  }

  ExprPtr ParseCall() {
    Token name = Take();
    std::string fname = name.text;
    if (name.kind != Tok::kIdentifier) {
      for (char& c : fname) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    Call call;
    call.name = fname;
    if (!ParseArgs(call.args)) return nullptr;
    const Function* fn = LookupFunction(fname);
    if (fn == nullptr) {
      Error(name.pos, "unknown function with name " + GoQuote(name.text));
      return nullptr;
    }
    call.func = fn;
    call.return_type = fn->return_type;
    return Node(std::move(call), {name.pos, LastEnd()});
  }

  ExprPtr ParseAggregate() {
    Token op = Take();
    AggregateExpr agg;
    agg.op = ToAggregateOp(op.kind);
    bool grouped = false;
    auto parse_modifier = [&]() {
      agg.without = Take().kind == Tok::kWithout;
      grouped = true;
      return ParseGroupingLabels(agg.grouping);
    };
    if (Peek().kind == Tok::kBy || Peek().kind == Tok::kWithout) {
      if (!parse_modifier()) return nullptr;
      if (Peek().kind != Tok::kLeftParen) {
        Unexpected("aggregation", "");
        return nullptr;
      }
    }
    std::vector<ExprPtr> args;
    error_contexts_.push_back("aggregation");
    bool args_ok = ParseArgs(args);
    error_contexts_.pop_back();
    if (!args_ok) return nullptr;
    if (!grouped && (Peek().kind == Tok::kBy || Peek().kind == Tok::kWithout)) {
      if (!parse_modifier()) return nullptr;
    }
    PosRange pos{op.pos, LastEnd()};
    if (args.empty()) {
      Error(pos.start, "no arguments for aggregate expression provided");
      return nullptr;
    }
    size_t want = AggregateTakesParam(agg.op) ? 2 : 1;
    if (args.size() != want) {
      Error(pos.start, "wrong number of arguments for aggregate expression provided, expected " +
                           std::to_string(want) + ", got " + std::to_string(args.size()));
      return nullptr;
    }
    if (want == 2) agg.param = std::move(args[0]);
    agg.expr = std::move(args[want - 1]);
    return Node(std::move(agg), pos);
  }

  bool ParseGroupingLabels(std::vector<std::string>& out) {
    if (Peek().kind != Tok::kLeftParen) {
      Unexpected("grouping opts", "\"(\"");
      return false;
    }
    Take();
    while (!failed()) {
      const Token& t = Peek();
      if (t.kind == Tok::kRightParen) {
        Take();
        return true;
      }
      if (t.kind == Tok::kString) {
        Token s = Take();
        if (s.str.empty()) {
          Error(s.pos, "invalid label name for grouping: " + GoQuote(s.str));
          return false;
        }
        out.push_back(s.str);
      } else if (IsLabelLike(t.kind)) {
        out.push_back(Take().text);
      } else {
        Unexpected("grouping opts", "label");
        return false;
      }
      if (Peek().kind == Tok::kComma) {
        Take();
      } else if (Peek().kind != Tok::kRightParen) {
        Unexpected("grouping opts", "\",\" or \")\"");
        return false;
      }
    }
    return false;
  }

  void ParseBinModifiers(BinaryExpr& bin) {
    VectorMatching vm;
    if (Peek().kind == Tok::kBool) {
      Take();
      bin.return_bool = true;
    }
    if (Peek().kind == Tok::kOn || Peek().kind == Tok::kIgnoring) {
      vm.on = Take().kind == Tok::kOn;
      if (!ParseGroupingLabels(vm.matching_labels)) return;
      if (Peek().kind == Tok::kGroupLeft || Peek().kind == Tok::kGroupRight) {
        vm.card = Take().kind == Tok::kGroupLeft ? Cardinality::kManyToOne : Cardinality::kOneToMany;
        if (Peek().kind == Tok::kLeftParen && !ParseGroupingLabels(vm.include_labels)) return;
      }
    }
    while (Peek().kind == Tok::kIdentifier && Peek(1).kind == Tok::kLeftParen &&
           (Peek().text == "fill" || Peek().text == "fill_left" || Peek().text == "fill_right")) {
      Token which = Take();
      Take();
      int sign = 1;
      if (Peek().kind == Tok::kAdd || Peek().kind == Tok::kSub) sign = Take().kind == Tok::kSub ? -1 : 1;
      if (Peek().kind != Tok::kNumber) {
        Unexpected("fill modifier", "number");
        return;
      }
      if (!Peek().value_ok) {
        Error(Peek().pos, Peek().str);
        return;
      }
      double v = sign * Take().number;
      if (!Expect(Tok::kRightParen, "fill modifier", "\")\"")) return;
      bool left = which.text != "fill_right";
      bool right = which.text != "fill_left";
      if ((left && vm.fill_left) || (right && vm.fill_right)) {
        Error(which.pos, "fill modifier may not be set multiple times");
        return;
      }
      if (left) vm.fill_left = v;
      if (right) vm.fill_right = v;
    }
    bin.matching = std::move(vm);
  }

  // --- selectors ------------------------------------------------------------

  ExprPtr ParseVectorSelector() {
    VectorSelector vs;
    int32_t start = Peek().pos;
    if (Peek().kind != Tok::kLeftBrace) vs.name = Take().text;
    if (Peek().kind == Tok::kLeftBrace) {
      Take();
      while (!failed() && Peek().kind != Tok::kRightBrace) {
        if (!ParseLabelMatcher(vs.matchers)) return nullptr;
        if (Peek().kind == Tok::kComma) {
          Take();
        } else if (Peek().kind != Tok::kRightBrace) {
          Unexpected("label matching", "\",\" or \"}\"");
          return nullptr;
        }
      }
      if (failed()) return nullptr;
      Take();
    }
    if (!vs.name.empty()) {
      auto m = storage::Matcher::Make(storage::MatchType::kEqual, std::string(storage::kMetricName), vs.name);
      vs.matchers.push_back(std::move(m).value());
    }
    int32_t end = LastEnd();
    vs.text = std::string(in_.substr(start, end - start));
    return Node(std::move(vs), {start, end});
  }

  bool ParseLabelMatcher(storage::Matchers& out) {
    const Token& t = Peek();
    if (t.kind != Tok::kIdentifier && t.kind != Tok::kString) {
      Unexpected("label matching", "identifier or \"}\"");
      return false;
    }
    Token name = Take();
    std::string label = name.kind == Tok::kString ? name.str : name.text;
    storage::MatchType type;
    switch (Peek().kind) {
      case Tok::kEql: type = storage::MatchType::kEqual; break;
      case Tok::kNeq: type = storage::MatchType::kNotEqual; break;
      case Tok::kEqlRegex: type = storage::MatchType::kRegexMatch; break;
      case Tok::kNeqRegex: type = storage::MatchType::kRegexNoMatch; break;
      default:
        if (name.kind == Tok::kString) {  // {"metric.name"}: a quoted metric name
          auto m = storage::Matcher::Make(storage::MatchType::kEqual, std::string(storage::kMetricName), label);
          out.push_back(std::move(m).value());
          return true;
        }
        Unexpected("label matching", "label matching operator");
        return false;
    }
    Take();
    if (Peek().kind != Tok::kString) {
      Unexpected("label matching", "string");
      return false;
    }
    Token value = Take();
    auto m = storage::Matcher::Make(type, label, value.str);
    if (!m.ok()) {
      Error(name.pos, m.status().message());
      return false;
    }
    out.push_back(std::move(m).value());
    return true;
  }

  // --- postfix modifiers ----------------------------------------------------

  ExprPtr ParsePostfix(ExprPtr e) {
    while (!failed()) {
      switch (Peek().kind) {
        case Tok::kLeftBracket: e = ParseRangeOrSubquery(std::move(e)); break;
        case Tok::kOffset: e = ParseOffset(std::move(e)); break;
        case Tok::kAt: e = ParseAt(std::move(e)); break;
        case Tok::kAnchored: case Tok::kSmoothed: e = ParseRangeModifier(std::move(e)); break;
        default: return e;
      }
    }
    return nullptr;
  }

  static VectorSelector* SelectorOf(Expr& e) {
    if (auto* vs = e.As<VectorSelector>()) return vs;
    if (auto* ms = e.As<MatrixSelector>()) return &ms->selector;
    return nullptr;
  }

  ExprPtr ParseRangeOrSubquery(ExprPtr e) {
    Token lbracket = Take();
    const std::string ctx = "subquery or range selector";
    if (!CanStartDuration()) {
      Unexpected(ctx, "number, duration, step(), or range()");
      return nullptr;
    }
    Duration range;
    if (!ParsePositiveDuration(range)) return nullptr;
    if (Peek().kind == Tok::kRightBracket) {
      Token rbracket = Take();
      std::string msg;
      auto* vs = e->As<VectorSelector>();
      if (vs == nullptr) {
        msg = "ranges only allowed for vector selectors";
      } else if (vs->has_offset && (vs->offset.is_expr() || vs->offset.ms != 0)) {
        msg = "no offset modifiers allowed before range";
      } else if (vs->at.present()) {
        msg = "no @ modifiers allowed before range";
      }
      if (!msg.empty()) {
        Error(lbracket.pos, msg);
        return nullptr;
      }
      PosRange pos{e->pos.start, rbracket.end};
      return Node(MatrixSelector{std::move(*vs), std::move(range)}, pos);
    }
    if (Peek().kind != Tok::kColon) {
      Unexpected("subquery or range", "\":\" or \"]\"");
      return nullptr;
    }
    Take();
    SubqueryExpr sq;
    sq.range = std::move(range);
    if (Peek().kind != Tok::kRightBracket) {
      if (!CanStartDuration()) {
        Unexpected("subquery selector", "number, duration, step(), range(), or \"]\"");
        return nullptr;
      }
      if (!ParsePositiveDuration(sq.step)) return nullptr;
      sq.has_step = true;
      if (Peek().kind != Tok::kRightBracket) {
        Unexpected("subquery selector", "\"]\"");
        return nullptr;
      }
    }
    Token rbracket = Take();
    PosRange pos{e->pos.start, rbracket.end};
    sq.expr = std::move(e);
    return Node(std::move(sq), pos);
  }

  ExprPtr ParseOffset(ExprPtr e) {
    Take();
    if (!CanStartDuration()) {
      Unexpected("offset", "number, duration, step(), or range()");
      return nullptr;
    }
    Duration d;
    if (!ParseOffsetDuration(d)) return nullptr;
    VectorSelector* vs = SelectorOf(*e);
    auto* sq = e->As<SubqueryExpr>();
    bool* has = vs ? &vs->has_offset : (sq ? &sq->has_offset : nullptr);
    Duration* target = vs ? &vs->offset : (sq ? &sq->offset : nullptr);
    if (has == nullptr) {
      Error(e->pos.start,
            "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
      return nullptr;
    }
    if (*has && (target->is_expr() || target->ms != 0)) {
      Error(e->pos.start, "offset may not be set multiple times");
      return nullptr;
    }
    *has = true;
    *target = std::move(d);
    e->pos.end = LastEnd();
    return e;
  }

  ExprPtr ParseAt(ExprPtr e) {
    Take();
    AtModifier at;
    Tok k = Peek().kind;
    if (k == Tok::kStart || k == Tok::kEnd) {
      Take();
      if (!Expect(Tok::kLeftParen, "@", "timestamp") || !Expect(Tok::kRightParen, "@", "timestamp")) {
        return nullptr;
      }
      at.kind = k == Tok::kStart ? AtKind::kStart : AtKind::kEnd;
    } else {
      double sign = 1;
      if (k == Tok::kAdd || k == Tok::kSub) {
        sign = Take().kind == Tok::kSub ? -1 : 1;
      }
      const Token& t = Peek();
      if (t.kind != Tok::kNumber && t.kind != Tok::kDuration) {
        Unexpected("@", "timestamp");
        return nullptr;
      }
      if (!t.value_ok) {
        Error(t.pos, t.str);
        return nullptr;
      }
      double ts = sign * Take().number;
      if (!std::isfinite(ts) || ts * 1000.0 >= 9.223372036854775807e18 || ts * 1000.0 <= -9.223372036854775807e18) {
        char buf[64];
        if (std::isnan(ts)) std::snprintf(buf, sizeof buf, "NaN");
        else if (std::isinf(ts)) std::snprintf(buf, sizeof buf, ts > 0 ? "+Inf" : "-Inf");
        else std::snprintf(buf, sizeof buf, "%f", ts);
        Error(e->pos.start, std::string("timestamp out of bounds for @ modifier: ") + buf);
        return nullptr;
      }
      at.kind = AtKind::kTimestamp;
      at.t_ms = static_cast<int64_t>(std::llround(ts * 1000.0));
    }
    VectorSelector* vs = SelectorOf(*e);
    auto* sq = e->As<SubqueryExpr>();
    AtModifier* target = vs ? &vs->at : (sq ? &sq->at : nullptr);
    if (target == nullptr) {
      Error(e->pos.start,
            "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
      return nullptr;
    }
    if (target->present()) {
      Error(e->pos.start, "@ <timestamp> may not be set multiple times");
      return nullptr;
    }
    *target = at;
    e->pos.end = LastEnd();
    return e;
  }

  ExprPtr ParseRangeModifier(ExprPtr e) {
    Token t = Take();
    const char* what = t.kind == Tok::kAnchored ? "anchored" : "smoothed";
    VectorSelector* vs = SelectorOf(*e);
    if (vs == nullptr) {
      Error(e->pos.start, std::string(what) +
                              " modifier must be preceded by an instant vector selector or range vector selector");
      return nullptr;
    }
    if (vs->anchored || vs->smoothed) {
      Error(t.pos, "anchored and smoothed modifiers may only be set once per selector");
      return nullptr;
    }
    (t.kind == Tok::kAnchored ? vs->anchored : vs->smoothed) = true;
    e->pos.end = t.end;
    return e;
  }

  // --- durations ------------------------------------------------------------

  bool CanStartDuration() const {
    Tok k = Peek().kind;
    return k == Tok::kNumber || k == Tok::kDuration || k == Tok::kAdd || k == Tok::kSub ||
           k == Tok::kLeftParen || k == Tok::kStep || k == Tok::kRange ||
           (k == Tok::kIdentifier && (Peek().text == "min_of" || Peek().text == "max_of"));
  }

  static Duration ToDuration(ExprPtr e) {
    if (const auto* n = e->As<NumberLiteral>()) {
      return Duration{static_cast<int64_t>(std::llround(n->value * 1000.0)), nullptr};
    }
    return Duration{0, std::move(e)};
  }

  bool ParsePositiveDuration(Duration& out) {
    ExprPtr e = ParseDurationExpr(1);
    if (failed()) return false;
    // Cairn resolves time to milliseconds, so a positive duration below 1ms is 0.
    if (const auto* n = e->As<NumberLiteral>(); n != nullptr && !(std::llround(n->value * 1000.0) > 0)) {
      Error(e->pos.start, "duration must be greater than 0");
      return false;
    }
    out = ToDuration(std::move(e));
    return true;
  }

  // offset's duration: one atom, optionally signed; a bare parenthesised
  // duration may continue as duration arithmetic (yacc shifts there).
  bool ParseOffsetDuration(Duration& out) {
    Tok sign = Tok::kEof;
    int32_t start = Peek().pos;
    if (Peek().kind == Tok::kAdd || Peek().kind == Tok::kSub) {
      sign = Take().kind;
      if (!CanStartDuration() || Peek().kind == Tok::kAdd || Peek().kind == Tok::kSub) {
        Unexpected("offset", "number, duration, step(), or range()");
        return false;
      }
    }
    bool bare_paren = sign == Tok::kEof && Peek().kind == Tok::kLeftParen;
    ExprPtr atom = ParseDurationPrimary();
    if (failed()) return false;
    if (sign != Tok::kEof) atom = ApplySign(sign, std::move(atom), start);
    if (failed()) return false;
    if (bare_paren && Peek().kind != Tok::kEof) {
      size_t before = idx_;
      atom = ParseDurationRest(std::move(atom), 1);
      if (failed()) return false;
      // Keep the continued arithmetic one parenthesised unit, so that it
      // prints back as `offset (...)` and re-parses to the same tree.
      if (idx_ != before) {
        PosRange pos = atom->pos;
        atom = Node(ParenExpr{std::move(atom)}, pos);
      }
    }
    out = ToDuration(std::move(atom));
    return true;
  }

  ExprPtr ApplySign(Tok sign, ExprPtr operand, int32_t start) {
    if (auto* n = operand->As<NumberLiteral>()) {
      if (sign == Tok::kSub) n->value = -n->value;
      operand->pos.start = start;
      if (!CheckDurationRange(*operand)) return nullptr;
      return operand;
    }
    if (sign == Tok::kAdd) return operand;
    PosRange pos{start, operand->pos.end};
    return Node(UnaryExpr{UnaryOp::kSub, std::move(operand)}, pos);
  }

  bool CheckDurationRange(const Expr& e) {
    const auto* n = e.As<NumberLiteral>();
    if (n != nullptr && !(std::fabs(n->value) <= kMaxDurationSeconds)) {
      Error(e.pos.start, "duration out of range");
      return false;
    }
    return true;
  }

  ExprPtr ParseDurationExpr(int min_prec) {
    NestingGuard guard(*this);
    if (failed()) return nullptr;
    ExprPtr lhs;
    Tok k = Peek().kind;
    if (k == Tok::kAdd || k == Tok::kSub) {
      int32_t start = Take().pos;
      ExprPtr operand = ParseDurationExpr(kPowPrec);
      if (failed()) return nullptr;
      lhs = ApplySign(k, std::move(operand), start);
    } else {
      lhs = ParseDurationPrimary();
    }
    if (failed()) return nullptr;
    return ParseDurationRest(std::move(lhs), min_prec);
  }

  ExprPtr ParseDurationRest(ExprPtr lhs, int min_prec) {
    while (!failed()) {
      Tok k = Peek().kind;
      bool arith = k == Tok::kAdd || k == Tok::kSub || k == Tok::kMul || k == Tok::kDiv || k == Tok::kMod ||
                   k == Tok::kPow;
      int prec = BinaryPrecedence(k);
      if (!arith || prec < min_prec) break;
      Token op = Take();
      ExprPtr rhs = ParseDurationExpr(k == Tok::kPow ? prec : prec + 1);
      if (failed()) return nullptr;
      if (const auto* n = rhs->As<NumberLiteral>(); n != nullptr && n->value == 0 &&
                                                    (k == Tok::kDiv || k == Tok::kMod)) {
        Error(op.pos, k == Tok::kDiv ? "division by zero" : "modulo by zero");
        return nullptr;
      }
      PosRange pos{lhs->pos.start, rhs->pos.end};
      lhs = Node(BinaryExpr{ToBinaryOp(k), std::move(lhs), std::move(rhs), false, std::nullopt}, pos);
    }
    return failed() ? nullptr : std::move(lhs);
  }

  ExprPtr ParseDurationPrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kNumber:
      case Tok::kDuration: {
        ExprPtr n = ParseNumberLiteral();
        if (failed() || !CheckDurationRange(*n)) return nullptr;
        return n;
      }
      case Tok::kStep:
      case Tok::kRange: {
        if (Peek(1).kind != Tok::kLeftParen || Peek(2).kind != Tok::kRightParen) break;
        return ParseCall();
      }
      case Tok::kIdentifier: {
        if ((t.text != "min_of" && t.text != "max_of") || Peek(1).kind != Tok::kLeftParen) break;
        Token name = Take();
        Take();
        Call call{name.text, LookupFunction(name.text), {}, ValueType::kScalar};
        call.args.push_back(ParseDurationExpr(1));
        if (failed()) return nullptr;
        if (!Expect(Tok::kComma, "duration expression", "\",\"")) return nullptr;
        call.args.push_back(ParseDurationExpr(1));
        if (failed()) return nullptr;
        if (!Expect(Tok::kRightParen, "duration expression", "\")\"")) return nullptr;
        return Node(std::move(call), {name.pos, LastEnd()});
      }
      case Tok::kLeftParen: {
        int32_t start = Take().pos;
        ExprPtr inner = ParseDurationExpr(1);
        if (failed()) return nullptr;
        if (!Expect(Tok::kRightParen, "duration expression", "\")\"")) return nullptr;
        if (inner->As<NumberLiteral>() != nullptr) return inner;
        return Node(ParenExpr{std::move(inner)}, {start, LastEnd()});
      }
      default:
        break;
    }
    Unexpected("duration expression", "number, duration, step(), or range()");
    return nullptr;
  }

  std::string_view in_;
  std::vector<Token> toks_;
  size_t idx_ = 0;
  Status err_;
  std::vector<std::string> error_contexts_;
  std::unordered_map<const Expr*, int> heights_;
  int nesting_ = 0;
};

}  // namespace

Result<ExprPtr> ParseExpr(std::string_view query) { return Parser(query).ParseQuery(); }

Result<storage::Labels> ParseMetric(std::string_view text) { return Parser(text).ParseMetricOnly(); }

Result<storage::Matchers> ParseMetricSelector(std::string_view text) {
  return Parser(text).ParseSelectorOnly();
}

}  // namespace cairn::promql::parser
