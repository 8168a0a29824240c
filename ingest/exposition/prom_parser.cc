// The Prometheus text format (0.0.4, and 1.0.0's quoted UTF-8 names): a
// line-by-line port of the behaviour of Prometheus' PromParser.
#include <cmath>

#include "ingest/exposition/format_parsers.h"
#include "ingest/exposition/lexer.h"
#include "util/go_quote.h"
#include "util/go_strconv.h"

namespace cairn::ingest::exposition {
namespace {

class PromParser final : public Parser {
 public:
  explicit PromParser(std::string_view body) : Parser(body), l_(body) {}

  Result<Entry> Next() override;
  Format format() const override { return Format::kPrometheusText; }

 private:
  // Whitespace separates tokens anywhere in this format.
  Token NextToken() {
    for (;;) {
      Token t = l_.Lex();
      if (t != Token::kWhitespace) return t;
    }
  }
  Status Error(std::string message) const { return Status::InvalidArgument(std::move(message)); }
  Status ParseError(std::string_view expected, Token got) const {
    return Error(ParseErrorText(l_, start_, expected, got));
  }
  Result<Entry> ParseMetadata(Token kind);
  Status ParseLabelValues();
  Result<Entry> ParseMetricSuffix(Token t);

  PromLexer l_;
};

Result<Entry> PromParser::Next() {
  for (;;) {
    start_ = l_.i;
    offsets_.clear();
    switch (Token t = NextToken()) {
      case Token::kEOF:
        return Entry::kEnd;
      case Token::kLinebreak:
        continue;  // blank line
      case Token::kHelp:
      case Token::kType:
        return ParseMetadata(t);
      case Token::kComment: {
        text_ = l_.Buf();
        Token t2 = NextToken();
        if (t2 != Token::kLinebreak) return ParseError("linebreak expected after comment", t2);
        return Entry::kComment;
      }
      case Token::kBraceOpen: {
        // The name may come inside the braces, quoted; -1 until it does.
        offsets_.assign({-1, -1});
        CAIRN_RETURN_IF_ERROR(ParseLabelValues());
        series_ = l_.View(start_, l_.i);
        return ParseMetricSuffix(NextToken());
      }
      case Token::kMName: {
        // From the line start: leading blanks become part of the name, as
        // upstream.
        offsets_.assign({static_cast<int64_t>(start_), static_cast<int64_t>(l_.i)});
        series_ = l_.View(start_, l_.i);
        Token t2 = NextToken();
        if (t2 == Token::kBraceOpen) {
          CAIRN_RETURN_IF_ERROR(ParseLabelValues());
          series_ = l_.View(start_, l_.i);
          t2 = NextToken();
        }
        return ParseMetricSuffix(t2);
      }
      default:
        return ParseError("expected a valid start token", t);
    }
  }
}

Result<Entry> PromParser::ParseMetadata(Token kind) {
  Token t2 = NextToken();
  if (t2 != Token::kMName) return ParseError("expected metric name after " + std::string(TokenName(kind)), t2);
  size_t name_start = l_.start, name_end = l_.i;
  if (l_.At(name_start) == '"' && l_.At(name_end - 1) == '"') {
    ++name_start;
    --name_end;
  }
  offsets_.assign({static_cast<int64_t>(name_start), static_cast<int64_t>(name_end)});
  t2 = NextToken();
  if (t2 != Token::kText) {
    return Error("expected text in " + std::string(TokenName(kind)) + ", got " + std::string(TokenName(t2)));
  }
  // The text token starts right after the name; its first byte (the
  // separating blank) is dropped, further blanks are kept.
  std::string_view buf = l_.Buf();
  text_ = buf.size() > 1 ? buf.substr(1) : std::string_view();
  if (kind == Token::kType) {
    if (text_ == "counter") {
      type_ = MetricType::kCounter;
    } else if (text_ == "gauge") {
      type_ = MetricType::kGauge;
    } else if (text_ == "histogram") {
      type_ = MetricType::kHistogram;
    } else if (text_ == "summary") {
      type_ = MetricType::kSummary;
    } else if (text_ == "untyped") {
      type_ = MetricType::kUnknown;
    } else {
      return Error("invalid metric type " + GoQuote(text_));
    }
  } else if (!storage::IsValidUtf8(text_)) {
    return Error("help text " + GoQuote(text_) + " is not a valid utf8 string");
  }
  Token t3 = NextToken();
  if (t3 != Token::kLinebreak) return ParseError("linebreak expected after metadata", t3);
  return kind == Token::kHelp ? Entry::kHelp : Entry::kType;
}

Status PromParser::ParseLabelValues() {
  Token t = NextToken();
  for (;;) {
    size_t tok_start = l_.start, tok_end = l_.i;
    bool quoted = false;
    if (t == Token::kBraceClose) return Status::OK();
    if (t == Token::kQString) {
      quoted = true;
    } else if (t != Token::kLName) {
      return ParseError("expected label name", t);
    }
    t = NextToken();
    // A quoted string followed by ',' or '}' is the metric name.
    if (quoted && (t == Token::kComma || t == Token::kBraceClose)) {
      if (offsets_[0] != -1 || offsets_[1] != -1) {
        return Error("metric name already set while parsing: " + GoQuote(l_.Slice(start_, l_.i)));
      }
      offsets_[0] = static_cast<int64_t>(tok_start + 1);
      offsets_[1] = static_cast<int64_t>(tok_end - 1);
      if (t == Token::kBraceClose) return Status::OK();
      t = NextToken();
      continue;
    }
    if (l_.At(tok_start) == '"') {
      ++tok_start;
      --tok_end;
    }
    offsets_.push_back(static_cast<int64_t>(tok_start));
    offsets_.push_back(static_cast<int64_t>(tok_end));
    if (t != Token::kEqual) return ParseError("expected equal", t);
    Token t2 = NextToken();
    if (t2 != Token::kLValue) return ParseError("expected label value", t2);
    if (!storage::IsValidUtf8(l_.Buf())) return Error("invalid UTF-8 label value: " + GoQuote(l_.Buf()));
    offsets_.push_back(static_cast<int64_t>(l_.start + 1));
    offsets_.push_back(static_cast<int64_t>(l_.i - 1));
    // A trailing comma is allowed (and, unlike OpenMetrics, no comma at all).
    t = NextToken();
    if (t == Token::kComma) t = NextToken();
  }
}

Result<Entry> PromParser::ParseMetricSuffix(Token t) {
  if (offsets_[0] == -1) return Error("metric name not set while parsing: " + GoQuote(l_.Slice(start_, l_.i)));
  if (t != Token::kValue) return ParseError("expected value after metric", t);
  Result<double> v = ParseExpositionFloat(l_.Buf());
  if (!v.ok()) return Error(WhileParsingText(l_, start_, v.status().message()));
  value_ = std::isnan(*v) ? NormalNaN() : *v;
  has_ts_ = false;
  Token t2 = NextToken();
  if (t2 == Token::kTimestamp) {
    has_ts_ = true;
    GoInt ts = GoParseInt64(l_.Buf());
    if (ts.error != GoNumError::kNone) {
      return Error(WhileParsingText(l_, start_, GoNumErrorText("ParseInt", l_.Buf(), ts.error)));
    }
    ts_ = ts.value;
    Token t3 = NextToken();
    if (t3 != Token::kLinebreak) return ParseError("expected next entry after timestamp", t3);
  } else if (t2 != Token::kLinebreak) {
    return ParseError("expected timestamp or new record", t2);
  }
  return Entry::kSeries;
}

}  // namespace

std::unique_ptr<Parser> NewPromParser(std::string_view body) { return std::make_unique<PromParser>(body); }

}  // namespace cairn::ingest::exposition
