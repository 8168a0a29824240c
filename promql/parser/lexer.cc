// The token micro-grammars (numbers, durations, identifiers, quoted strings)
// are Spirit X3 parsers; the surrounding state machine tracks braces,
// brackets and parentheses the way Prometheus' lexer does, because what a
// character means depends on them (`:` in `[5m:1m]`, keywords in `{on="x"}`).
#include "promql/parser/lexer.h"

#include <cerrno>
#include <cctype>
#include <cmath>
#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include <boost/spirit/home/x3.hpp>

#include "promql/parser/parser.h"
#include "promql/parser/quote.h"
#include "util/go_strconv.h"

namespace cairn::promql::parser {
namespace {

namespace x3 = boost::spirit::x3;

using Iter = std::string_view::const_iterator;

// --- X3 token grammars -------------------------------------------------------

const auto kIdentTail = x3::char_("a-zA-Z0-9_:");
const auto kIdentifier = x3::raw[(x3::char_("a-zA-Z_") | x3::char_(':')) >> *kIdentTail];
const auto kLabelIdentifier = x3::raw[x3::char_("a-zA-Z_") >> *x3::char_("a-zA-Z0-9_")];
// Prometheus scans numbers permissively and validates the text afterwards.
// Digits may be separated by '_' as in Go literals (checked on conversion).
const auto kNumberScan =
    x3::raw[(x3::lit('0') >> x3::char_("xX") >> *(x3::xdigit | x3::char_('_')) >>
             -(x3::lit('.') >> *(x3::xdigit | x3::char_('_')))) |
            (*(x3::digit | x3::char_('_')) >> -(x3::lit('.') >> *(x3::digit | x3::char_('_'))) >>
             -(x3::char_("eE") >> -x3::char_("+-") >> *(x3::digit | x3::char_('_'))))];

const std::unordered_map<std::string, Tok>& Keywords() {
  static const std::unordered_map<std::string, Tok> kw = {
      {"and", Tok::kLand}, {"or", Tok::kLor}, {"unless", Tok::kLunless}, {"atan2", Tok::kAtan2},
      {"sum", Tok::kSum}, {"avg", Tok::kAvg}, {"count", Tok::kCount}, {"min", Tok::kMin},
      {"max", Tok::kMax}, {"group", Tok::kGroup}, {"stddev", Tok::kStddev}, {"stdvar", Tok::kStdvar},
      {"topk", Tok::kTopk}, {"bottomk", Tok::kBottomk}, {"count_values", Tok::kCountValues},
      {"quantile", Tok::kQuantile}, {"limitk", Tok::kLimitk}, {"limit_ratio", Tok::kLimitRatio},
      {"bool", Tok::kBool}, {"by", Tok::kBy}, {"without", Tok::kWithout}, {"on", Tok::kOn},
      {"ignoring", Tok::kIgnoring}, {"group_left", Tok::kGroupLeft}, {"group_right", Tok::kGroupRight},
      {"offset", Tok::kOffset}, {"start", Tok::kStart}, {"end", Tok::kEnd}, {"step", Tok::kStep},
      {"range", Tok::kRange}, {"anchored", Tok::kAnchored}, {"smoothed", Tok::kSmoothed},
      {"inf", Tok::kNumber}, {"nan", Tok::kNumber},
  };
  return kw;
}

bool IsAlnum(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Go's strconv.ParseInt(s, 0, 64) then ParseFloat(s, 64), as Prometheus'
// parser.number does. Returns false with a Go-like message on failure.
bool ConvertNumber(const std::string& text, double& out, std::string& err) {
  std::string s = text;
  if (s.find('_') != std::string::npos) {
    if (!GoUnderscoreOk(s)) {
      err = "error parsing number: strconv.ParseFloat: parsing " + GoQuote(text) + ": invalid syntax";
      return false;
    }
    std::erase(s, '_');
  }
  const char* c = s.c_str();
  char* end = nullptr;
  bool hex = s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  errno = 0;
  long long iv = std::strtoll(c, &end, 0);
  if (errno == 0 && end == c + s.size() && !s.empty()) {
    out = static_cast<double>(iv);
    return true;
  }
  if (!hex) {
    errno = 0;
    double dv = std::strtod(c, &end);
    if (end == c + s.size() && !s.empty()) {
      if (errno == ERANGE && std::isinf(dv)) {
        err = "error parsing number: strconv.ParseFloat: parsing " + GoQuote(text) + ": value out of range";
        return false;
      }
      out = dv;
      return true;
    }
  }
  err = "error parsing number: strconv.ParseFloat: parsing " + GoQuote(text) + ": invalid syntax";
  return false;
}

class Lexer {
 public:
  explicit Lexer(std::string_view in) : in_(in) {}

  std::vector<Token> Run() {
    while (true) {
      SkipSpaceAndComments();
      if (!Next()) break;
    }
    return std::move(out_);
  }

 private:
  void SkipSpaceAndComments() {
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (IsSpace(c)) {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < in_.size() && in_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  void Emit(Tok kind, size_t start, size_t end) {
    Token t;
    t.kind = kind;
    t.pos = static_cast<int32_t>(start);
    t.end = static_cast<int32_t>(end);
    t.text = std::string(in_.substr(start, end - start));
    out_.push_back(std::move(t));
  }

  // Emits a kError token at `start` and stops the lexer.
  bool Error(size_t start, std::string msg) {
    Token t;
    t.kind = Tok::kError;
    t.pos = static_cast<int32_t>(start);
    t.end = static_cast<int32_t>(in_.size());
    t.text = std::move(msg);
    out_.push_back(std::move(t));
    return false;
  }

  uint32_t RuneAt(size_t i) const {
    size_t len = 1;
    return DecodeRune(in_, i, len);
  }

  bool Next() {
    size_t start = pos_;
    if (pos_ >= in_.size()) {
      if (brace_open_) return Error(start, "unexpected end of input inside braces");
      if (paren_depth_ != 0) return Error(start, "unclosed left parenthesis");
      if (bracket_open_) return Error(start, "unclosed left bracket");
      Emit(Tok::kEof, start, start);
      return false;
    }
    if (brace_open_) return NextInsideBraces();
    char c = in_[pos_];
    auto single = [&](Tok k) { ++pos_; Emit(k, start, pos_); return true; };
    switch (c) {
      case ',': return single(Tok::kComma);
      case '*': return single(Tok::kMul);
      case '/': return single(Tok::kDiv);
      case '%': return single(Tok::kMod);
      case '+': return single(Tok::kAdd);
      case '-': return single(Tok::kSub);
      case '^': return single(Tok::kPow);
      case '@': return single(Tok::kAt);
      case '=':
        if (Peek(1) == '=') { pos_ += 2; Emit(Tok::kEqlc, start, pos_); return true; }
        if (Peek(1) == '~') return Error(start, "unexpected character after '=': " + GoQuoteRune('~'));
        return single(Tok::kEql);
      case '!':
        if (Peek(1) == '=') { pos_ += 2; Emit(Tok::kNeq, start, pos_); return true; }
        return Error(start, "unexpected character after '!': " + QuoteRuneAt(pos_ + 1));
      case '<':
        if (Peek(1) == '=') { pos_ += 2; Emit(Tok::kLte, start, pos_); return true; }
        if (Peek(1) == '/') { pos_ += 2; Emit(Tok::kTrimUpper, start, pos_); return true; }
        return single(Tok::kLss);
      case '>':
        if (Peek(1) == '=') { pos_ += 2; Emit(Tok::kGte, start, pos_); return true; }
        if (Peek(1) == '/') { pos_ += 2; Emit(Tok::kTrimLower, start, pos_); return true; }
        return single(Tok::kGtr);
      case '"': case '\'': return LexString(c);
      case '`': return LexRawString();
      case '(': ++paren_depth_; return single(Tok::kLeftParen);
      case ')':
        // Prometheus emits the ')' before it notices, so the error sits after it.
        if (paren_depth_ == 0) return Error(start + 1, "unexpected right parenthesis ')'");
        --paren_depth_;
        return single(Tok::kRightParen);
      case '{': brace_open_ = true; return single(Tok::kLeftBrace);
      case '}': return Error(start, "unexpected character: '}'");
      case '[':
        if (bracket_open_) return Error(start, "unexpected left bracket '['");
        bracket_open_ = true;
        got_colon_ = false;
        return single(Tok::kLeftBracket);
      case ']':
        if (!bracket_open_) return Error(start, "unexpected right bracket ']'");
        bracket_open_ = false;
        return single(Tok::kRightBracket);
      default: break;
    }
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return LexNumberOrDuration();
    if (c == ':' && bracket_open_) {
      if (got_colon_) return Error(start, "unexpected colon ':'");
      got_colon_ = true;
      return single(Tok::kColon);
    }
    if (IsAlnum(c) || c == ':') return LexKeywordOrIdentifier();
    return Error(start, "unexpected character: " + QuoteRuneAt(pos_));
  }

  bool NextInsideBraces() {
    size_t start = pos_;
    char c = in_[pos_];
    auto single = [&](Tok k, size_t n) { pos_ += n; Emit(k, start, pos_); return true; };
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
      Iter it = in_.begin() + pos_;
      x3::parse(it, in_.end(), kLabelIdentifier);
      pos_ = it - in_.begin();
      Emit(Tok::kIdentifier, start, pos_);
      return true;
    }
    switch (c) {
      case ',': return single(Tok::kComma, 1);
      case '"': case '\'': return LexString(c);
      case '`': return LexRawString();
      case '=': return Peek(1) == '~' ? single(Tok::kEqlRegex, 2) : single(Tok::kEql, 1);
      case '!':
        if (Peek(1) == '~') return single(Tok::kNeqRegex, 2);
        if (Peek(1) == '=') return single(Tok::kNeq, 2);
        return Error(start, "unexpected character after '!' inside braces: " + QuoteRuneAt(pos_ + 1));
      case '{': return Error(start, "unexpected left brace '{'");
      case '}': brace_open_ = false; return single(Tok::kRightBrace, 1);
      default: break;
    }
    return Error(start, "unexpected character inside braces: " + QuoteRuneAt(pos_));
  }

  bool LexKeywordOrIdentifier() {
    size_t start = pos_;
    Iter it = in_.begin() + pos_;
    x3::parse(it, in_.end(), kIdentifier);
    pos_ = it - in_.begin();
    std::string word(in_.substr(start, pos_ - start));
    std::string lower = word;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto kw = Keywords().find(lower);
    if (kw != Keywords().end()) {
      Emit(kw->second, start, pos_);
      if (kw->second == Tok::kNumber) out_.back().number = lower == "inf" ? INFINITY : NAN;
      return true;
    }
    Emit(word.find(':') == std::string::npos ? Tok::kIdentifier : Tok::kMetricIdentifier, start, pos_);
    return true;
  }

  bool LexNumberOrDuration() {
    size_t start = pos_;
    Iter it = in_.begin() + pos_;
    x3::parse(it, in_.end(), kNumberScan);
    pos_ = it - in_.begin();
    if (!IsAlnum(Peek(0))) {
      std::string text(in_.substr(start, pos_ - start));
      double v = 0;
      std::string err;
      bool ok = ConvertNumber(text, v, err);
      Emit(Tok::kNumber, start, pos_);
      out_.back().number = v;
      out_.back().value_ok = ok;
      out_.back().str = std::move(err);
      return true;
    }
    size_t end = pos_;
    if (ScanDurationTail(pos_, end)) {
      pos_ = end;
      Emit(Tok::kDuration, start, pos_);
      Token& t = out_.back();
      auto ms = ParseDurationMs(t.text);
      if (ms.ok()) {
        t.number = static_cast<double>(*ms) / 1000.0;
      } else {
        t.value_ok = false;
        t.str = ms.status().message();
      }
      return true;
    }
    size_t bad_end = std::min(end, in_.size());
    return Error(start, "bad number or duration syntax: " + GoQuote(in_.substr(start, bad_end - start)));
  }

  // The unit part of a duration after its first number, scanned exactly as
  // Prometheus' lexer does (so that its error text matches): units from
  // `smhdwy` (y only first), `ms` via a trailing `s`. On failure `end` is
  // where that lexer stopped.
  bool ScanDurationTail(size_t p, size_t& end) const {
    auto accept = [&](std::string_view set) {
      if (p < in_.size() && set.find(in_[p]) != std::string_view::npos) {
        ++p;
        return true;
      }
      return false;
    };
    if (!accept("smhdwy")) {
      end = p;
      return false;
    }
    accept("s");
    while (accept("0123456789")) {
      while (accept("0123456789")) {
      }
      if (!accept("smhdw")) {
        end = p;
        return false;
      }
      accept("s");
    }
    if (p < in_.size() && IsAlnum(in_[p])) {
      end = p + 1;
      return false;
    }
    end = p;
    return true;
  }

  // Classifies why an escape sequence at in_[p] == '\\' did not parse.
  std::string EscapeError(size_t p, char quote) const {
    if (p + 1 >= in_.size()) return "escape sequence not terminated";
    char ch = in_[p + 1];
    int n = 0;
    uint32_t base = 0, max = 0;
    size_t i = p + 1;
    if (ch >= '0' && ch <= '7') {
      n = 3; base = 8; max = 255;
    } else if (ch == 'x' || ch == 'u' || ch == 'U') {
      n = ch == 'x' ? 2 : (ch == 'u' ? 4 : 8);
      base = 16;
      max = ch == 'x' ? 255 : 0x10FFFF;
      ++i;
    } else {
      return "unknown escape sequence " + GoRuneU(RuneAt(p + 1));
    }
    uint32_t x = 0;
    for (int k = 0; k < n; ++k, ++i) {
      if (i >= in_.size()) return "escape sequence not terminated";
      char d = in_[i];
      uint32_t v = 99;
      if (d >= '0' && d <= '9') v = d - '0';
      else if (d >= 'a' && d <= 'f') v = d - 'a' + 10;
      else if (d >= 'A' && d <= 'F') v = d - 'A' + 10;
      if (v >= base) return "illegal character " + GoRuneU(RuneAt(i)) + " in escape sequence";
      x = x * base + v;
    }
    (void)quote;
    if (x > max || (x >= 0xD800 && x < 0xE000)) return "escape sequence is an invalid Unicode code point";
    return "unknown escape sequence " + GoRuneU(RuneAt(p + 1));
  }

  bool LexString(char quote) {
    size_t start = pos_;
    std::string value;
    auto put_char = [&](auto& ctx) { value += x3::_attr(ctx); };
    auto put_simple = [&](auto& ctx) {
      switch (x3::_attr(ctx)) {
        case 'a': value += '\a'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case 't': value += '\t'; break;
        case 'v': value += '\v'; break;
        default: value += x3::_attr(ctx); break;
      }
    };
    auto put_byte = [&](auto& ctx) {
      uint32_t b = x3::_attr(ctx);
      if (b > 255) { x3::_pass(ctx) = false; return; }
      value += static_cast<char>(b);
    };
    auto put_rune = [&](auto& ctx) {
      uint32_t r = x3::_attr(ctx);
      if (r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) { x3::_pass(ctx) = false; return; }
      AppendUtf8(value, r);
    };
    const char simple_set[] = {'a', 'b', 'f', 'n', 'r', 't', 'v', '\\', quote, '\0'};
    const auto escape =
        x3::lit('\\') >> (x3::char_(simple_set)[put_simple] |
                          x3::uint_parser<uint32_t, 8, 3, 3>()[put_byte] |
                          (x3::lit('x') >> x3::uint_parser<uint32_t, 16, 2, 2>()[put_byte]) |
                          (x3::lit('u') >> x3::uint_parser<uint32_t, 16, 4, 4>()[put_rune]) |
                          (x3::lit('U') >> x3::uint_parser<uint32_t, 16, 8, 8>()[put_rune]));
    const auto body = *(escape | (x3::char_ - x3::char_(quote) - '\\' - '\n')[put_char]);
    Iter it = in_.begin() + pos_ + 1;
    x3::parse(it, in_.end(), body);
    size_t stop = it - in_.begin();
    if (stop >= in_.size() || in_[stop] == '\n') return Error(start, "unterminated quoted string");
    if (in_[stop] == '\\') return Error(start, EscapeError(stop, quote));
    pos_ = stop + 1;
    std::string_view raw = in_.substr(start, pos_ - start);
    if (!IsValidUtf8(raw)) return Error(start, "invalid UTF-8 rune");
    Emit(Tok::kString, start, pos_);
    out_.back().str = std::move(value);
    return true;
  }

  bool LexRawString() {
    size_t start = pos_;
    Iter it = in_.begin() + pos_;
    std::string value;
    bool ok = x3::parse(it, in_.end(), x3::lit('`') >> *(x3::char_ - '`') >> x3::lit('`'), value);
    if (!ok) return Error(start, "unterminated raw string");
    pos_ = it - in_.begin();
    if (!IsValidUtf8(value)) return Error(start, "invalid UTF-8 rune");
    Emit(Tok::kString, start, pos_);
    out_.back().str = std::move(value);
    return true;
  }

  static bool IsValidUtf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      size_t len = 1;
      uint32_t r = DecodeRune(s, i, len);
      if (r == 0xFFFD && len == 1 && static_cast<unsigned char>(s[i]) >= 0x80) return false;
      i += len;
    }
    return true;
  }

  char Peek(size_t ahead) const {
    size_t i = pos_ + ahead;
    return i < in_.size() ? in_[i] : '\0';
  }
  std::string QuoteRuneAt(size_t i) const {
    if (i >= in_.size()) return GoQuoteRune(0xFFFD);  // Go's lexer reads EOF as utf8.RuneError
    return GoQuoteRune(RuneAt(i));
  }

  std::string_view in_;
  size_t pos_ = 0;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  std::vector<Token> out_;
};

}  // namespace

bool IsAggregator(Tok t) { return t >= Tok::kSum && t <= Tok::kLimitRatio; }
bool IsKeyword(Tok t) { return t >= Tok::kBool && t <= Tok::kSmoothed; }
bool IsBinaryOperator(Tok t) { return t >= Tok::kAdd && t <= Tok::kAtan2; }

std::string DescribeToken(const Token& t) {
  switch (t.kind) {
    case Tok::kEof: return "end of input";
    case Tok::kError: return t.text;
    case Tok::kIdentifier: return "identifier " + GoQuote(t.text);
    case Tok::kMetricIdentifier: return "metric identifier " + GoQuote(t.text);
    case Tok::kNumber:
    case Tok::kDuration:
    case Tok::kString: {
      std::string kind = t.kind == Tok::kNumber ? "number " : (t.kind == Tok::kDuration ? "duration " : "string ");
      size_t runes = 0;
      for (size_t i = 0; i < t.text.size();) {
        size_t len = 1;
        DecodeRune(t.text, i, len);
        i += len;
        ++runes;
      }
      if (runes > 10) return kind + GoQuote(t.text, 10) + "...";
      return kind + GoQuote(t.text);
    }
    case Tok::kAt: case Tok::kEqlRegex: case Tok::kNeqRegex:
      return "<op:" + t.text + ">";
    case Tok::kStart: case Tok::kEnd: case Tok::kStep: case Tok::kRange:
      return GoQuote(t.text);
    default: break;
  }
  if (IsBinaryOperator(t.kind)) return "<op:" + t.text + ">";
  if (IsAggregator(t.kind)) return "<aggr:" + t.text + ">";
  if (IsKeyword(t.kind)) return "<" + t.text + ">";
  return GoQuote(t.text);
}

std::vector<Token> Lex(std::string_view input) { return Lexer(input).Run(); }

}  // namespace cairn::promql::parser
