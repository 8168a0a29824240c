// OpenMetrics 1.0 text: a port of the behaviour of Prometheus'
// OpenMetricsParser, including its `_created` look-ahead.
#include <cmath>
#include <cstdio>
#include <limits>

#include "ingest/exposition/format_parsers.h"
#include "ingest/exposition/lexer.h"
#include "util/go_quote.h"
#include "util/go_strconv.h"

namespace cairn::ingest::exposition {
namespace {

constexpr std::string_view kCreatedSuffix = "_created";

// Go's int64(f) on amd64: truncation toward zero; NaN and out-of-range
// values give the "integer indefinite" 0x8000000000000000.
int64_t GoFloatToInt64(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(f);
}

// Go's %f for the only values it is used on here (NaN and ±Inf).
std::string GoPercentF(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%f", f);
  return buf;
}

// Types whose samples can carry a start time in a `_created` line.
bool TypeHasCreated(MetricType t) {
  return t == MetricType::kCounter || t == MetricType::kSummary || t == MetricType::kHistogram;
}

class OpenMetricsParser final : public Parser {
 public:
  OpenMetricsParser(std::string_view body, const ParserOptions& options)
      : Parser(body), l_(body), skip_created_(options.skip_created_series) {
    help_unescapes_quote_ = true;
  }

  Result<Entry> Next() override;
  int64_t StartTimestamp() override;
  Format format() const override { return Format::kOpenMetrics; }

 private:
  Status Error(std::string message) const { return Status::InvalidArgument(std::move(message)); }
  Status ParseError(std::string_view expected, Token got) const {
    return Error(ParseErrorText(l_, start_, expected, got));
  }
  Result<Entry> ParseMetadata(Token kind);
  Status ParseLabelValues(std::vector<int64_t>& offsets, bool exemplar);
  Status ParseSeriesEndOfLine(Token t);
  Status ParseExemplar();
  Result<double> FloatValue(Token t, std::string_view after);
  Result<int64_t> TimestampValue(std::string_view invalid_message);
  bool IsCreatedSeries() const {
    return TypeHasCreated(type_) && RawMetricName().ends_with(kCreatedSuffix);
  }
  // The identity StartTimestamp() compares: label names and values as
  // written (without `le` of histograms and `quantile` of summaries), then
  // the family name. Prometheus hashes the same bytes.
  void SeriesIdentity(std::string_view family, std::string* out) const;

  OpenMetricsLexer l_;
  bool skip_created_;
  // Set while StartTimestamp() peeks: exemplars are skipped, not parsed.
  bool ignore_exemplar_ = false;
  // Length of the family name of the last HELP/TYPE/UNIT line.
  size_t family_name_len_ = 0;
  // StartTimestamp() cache: the last series identity found and its start time.
  bool st_cached_ = false;
  std::string st_identity_;
  int64_t st_ms_ = 0;
  std::string scratch_identity_;
  std::vector<int64_t> saved_offsets_;
};

Result<Entry> OpenMetricsParser::Next() {
  for (;;) {
    start_ = l_.i;
    offsets_.clear();
    if (!ignore_exemplar_) {
      exemplar_offsets_.clear();
      has_exemplar_ = false;
      exemplar_value_ = 0;
      has_exemplar_ts_ = false;
    }
    switch (Token t = l_.Lex()) {
      case Token::kEOFWord:
        if (l_.Lex() != Token::kEOF) return Error("unexpected data after # EOF");
        return Entry::kEnd;
      case Token::kEOF:
        return Error("data does not end with # EOF");
      case Token::kHelp:
      case Token::kType:
      case Token::kUnit:
        return ParseMetadata(t);
      case Token::kBraceOpen:
        offsets_.assign({-1, -1});
        CAIRN_RETURN_IF_ERROR(ParseLabelValues(offsets_, false));
        series_ = l_.View(start_, l_.i);
        CAIRN_RETURN_IF_ERROR(ParseSeriesEndOfLine(l_.Lex()));
        if (skip_created_ && IsCreatedSeries()) continue;
        return Entry::kSeries;
      case Token::kMName: {
        offsets_.assign({static_cast<int64_t>(start_), static_cast<int64_t>(l_.i)});
        series_ = l_.View(start_, l_.i);
        Token t2 = l_.Lex();
        if (t2 == Token::kBraceOpen) {
          CAIRN_RETURN_IF_ERROR(ParseLabelValues(offsets_, false));
          series_ = l_.View(start_, l_.i);
          t2 = l_.Lex();
        }
        CAIRN_RETURN_IF_ERROR(ParseSeriesEndOfLine(t2));
        if (skip_created_ && IsCreatedSeries()) continue;
        return Entry::kSeries;
      }
      default:
        return ParseError("expected a valid start token", t);
    }
  }
}

Result<Entry> OpenMetricsParser::ParseMetadata(Token kind) {
  Token t2 = l_.Lex();
  if (t2 != Token::kMName) return ParseError("expected metric name after " + std::string(TokenName(kind)), t2);
  size_t name_start = l_.start, name_end = l_.i;
  if (l_.At(name_start) == '"' && l_.At(name_end - 1) == '"') {
    ++name_start;
    --name_end;
  }
  family_name_len_ = name_end - name_start;
  offsets_.assign({static_cast<int64_t>(name_start), static_cast<int64_t>(name_end)});
  t2 = l_.Lex();
  if (t2 != Token::kText) return Error("expected text in " + std::string(TokenName(kind)));
  // The token is " <text>\n".
  std::string_view buf = l_.Buf();
  text_ = buf.size() > 1 ? buf.substr(1, buf.size() - 2) : std::string_view();
  switch (kind) {
    case Token::kType:
      if (text_ == "counter") {
        type_ = MetricType::kCounter;
      } else if (text_ == "gauge") {
        type_ = MetricType::kGauge;
      } else if (text_ == "histogram") {
        type_ = MetricType::kHistogram;
      } else if (text_ == "gaugehistogram") {
        type_ = MetricType::kGaugeHistogram;
      } else if (text_ == "summary") {
        type_ = MetricType::kSummary;
      } else if (text_ == "info") {
        type_ = MetricType::kInfo;
      } else if (text_ == "stateset") {
        type_ = MetricType::kStateset;
      } else if (text_ == "unknown") {
        type_ = MetricType::kUnknown;
      } else {
        return Error("invalid metric type " + GoQuote(text_));
      }
      return Entry::kType;
    case Token::kHelp:
      if (!storage::IsValidUtf8(text_)) return Error("help text " + GoQuote(text_) + " is not a valid utf8 string");
      return Entry::kHelp;
    default: {
      unit_ = text_;
      std::string_view family = FamilyName();
      if (!unit_.empty() && (!family.ends_with(unit_) || family.size() < unit_.size() + 1 ||
                             family[family.size() - unit_.size() - 1] != '_')) {
        return Error("unit " + GoQuote(unit_) + " not a suffix of metric " + GoQuote(family));
      }
      return Entry::kUnit;
    }
  }
}

Status OpenMetricsParser::ParseLabelValues(std::vector<int64_t>& offsets, bool exemplar) {
  Token t = l_.Lex();
  for (;;) {
    size_t tok_start = l_.start, tok_end = l_.i;
    bool quoted = false;
    if (t == Token::kBraceClose) return Status::OK();
    if (t == Token::kQString) {
      quoted = true;
    } else if (t != Token::kLName) {
      return ParseError("expected label name", t);
    }
    t = l_.Lex();
    // A quoted string followed by ',' or '}' is the metric name; exemplars
    // have none.
    if (quoted && (t == Token::kComma || t == Token::kBraceClose)) {
      if (exemplar) return ParseError("expected label name", t);
      if (offsets[0] != -1 || offsets[1] != -1) {
        return Error("metric name already set while parsing: " + GoQuote(l_.Slice(start_, l_.i)));
      }
      offsets[0] = static_cast<int64_t>(tok_start + 1);
      offsets[1] = static_cast<int64_t>(tok_end - 1);
      if (t == Token::kBraceClose) return Status::OK();
      t = l_.Lex();
      continue;
    }
    if (l_.At(tok_start) == '"') {
      ++tok_start;
      --tok_end;
    }
    offsets.push_back(static_cast<int64_t>(tok_start));
    offsets.push_back(static_cast<int64_t>(tok_end));
    if (t != Token::kEqual) return ParseError("expected equal", t);
    Token t2 = l_.Lex();
    if (t2 != Token::kLValue) return ParseError("expected label value", t2);
    if (!storage::IsValidUtf8(l_.Buf())) return Error("invalid UTF-8 label value: " + GoQuote(l_.Buf()));
    offsets.push_back(static_cast<int64_t>(l_.start + 1));
    offsets.push_back(static_cast<int64_t>(l_.i - 1));
    t = l_.Lex();
    if (t == Token::kComma) {
      t = l_.Lex();
    } else if (t != Token::kBraceClose) {
      return ParseError("expected comma or brace close", t);
    }
  }
}

Result<double> OpenMetricsParser::FloatValue(Token t, std::string_view after) {
  if (t != Token::kValue) return ParseError("expected value after " + std::string(after), t);
  Result<double> v = ParseExpositionFloat(l_.Buf().substr(1));  // the token starts with its blank
  if (!v.ok()) return Error(WhileParsingText(l_, start_, v.status().message()));
  return std::isnan(*v) ? NormalNaN() : *v;
}

// A float of seconds in the current token, as ms.
Result<int64_t> OpenMetricsParser::TimestampValue(std::string_view invalid_message) {
  Result<double> ts = ParseExpositionFloat(l_.Buf().substr(1));
  if (!ts.ok()) return Error(WhileParsingText(l_, start_, ts.status().message()));
  if (std::isnan(*ts) || std::isinf(*ts)) return Error(std::string(invalid_message) + " " + GoPercentF(*ts));
  return GoFloatToInt64(*ts * 1000);
}

Status OpenMetricsParser::ParseSeriesEndOfLine(Token t) {
  if (offsets_[0] == -1) return Error("metric name not set while parsing: " + GoQuote(l_.Slice(start_, l_.i)));
  Result<double> v = FloatValue(t, "metric");
  if (!v.ok()) return v.status();
  value_ = *v;
  has_ts_ = false;
  switch (l_.Lex()) {
    case Token::kEOF:
      return Error("data does not end with # EOF");
    case Token::kLinebreak:
      return Status::OK();
    case Token::kComment:
      return ParseExemplar();
    case Token::kTimestamp: {
      has_ts_ = true;
      Result<int64_t> ts = TimestampValue("invalid timestamp");
      if (!ts.ok()) return ts.status();
      ts_ = *ts;
      Token t3 = l_.Lex();
      if (t3 == Token::kLinebreak) return Status::OK();
      if (t3 == Token::kComment) return ParseExemplar();
      return ParseError("expected next entry after timestamp", t3);
    }
    default:
      // Upstream accepts the sample and lets the next Next() trip over the
      // rest of the line.
      return Status::OK();
  }
}

// After ` # {`: exemplar labels, value and optional timestamp.
Status OpenMetricsParser::ParseExemplar() {
  if (ignore_exemplar_) {
    for (Token t = l_.Lex(); t != Token::kLinebreak; t = l_.Lex()) {
      if (t == Token::kEOF) return Error("data does not end with # EOF");
      // Upstream loops forever here on a token it cannot lex; stop instead.
      if (t == Token::kInvalid) return ParseError("expected next entry after exemplar", t);
    }
    return Status::OK();
  }
  CAIRN_RETURN_IF_ERROR(ParseLabelValues(exemplar_offsets_, true));
  has_exemplar_ = true;
  Result<double> v = FloatValue(l_.Lex(), "exemplar labels");
  if (!v.ok()) return v.status();
  exemplar_value_ = *v;
  has_exemplar_ts_ = false;
  switch (Token t2 = l_.Lex()) {
    case Token::kEOF:
      return Error("data does not end with # EOF");
    case Token::kLinebreak:
      return Status::OK();
    case Token::kTimestamp: {
      has_exemplar_ts_ = true;
      Result<int64_t> ts = TimestampValue("invalid exemplar timestamp");
      if (!ts.ok()) return ts.status();
      exemplar_ts_ = *ts;
      Token t3 = l_.Lex();
      if (t3 != Token::kLinebreak) return ParseError("expected next entry after exemplar timestamp", t3);
      return Status::OK();
    }
    default:
      return ParseError("expected timestamp or comment", t2);
  }
}

void OpenMetricsParser::SeriesIdentity(std::string_view family, std::string* out) const {
  out->clear();
  for (size_t k = 2; k + 3 < offsets_.size(); k += 4) {
    std::string_view name = body_.substr(static_cast<size_t>(offsets_[k]),
                                         static_cast<size_t>(offsets_[k + 1] - offsets_[k]));
    if (type_ == MetricType::kSummary && name == "quantile") continue;
    if (type_ == MetricType::kHistogram && name == "le") continue;
    out->append(name);
    out->append(body_.substr(static_cast<size_t>(offsets_[k + 2]),
                             static_cast<size_t>(offsets_[k + 3] - offsets_[k + 2])));
  }
  out->append(family);
}

int64_t OpenMetricsParser::StartTimestamp() {
  if (offsets_.size() < 2 || offsets_[0] < 0) return 0;  // not after a sample
  if (!TypeHasCreated(type_)) {
    st_cached_ = false;
    return 0;
  }
  // The family name is the first family_name_len_ bytes of the sample's
  // name (upstream slices the line the same way, past its end if need be).
  size_t name_begin = static_cast<size_t>(offsets_[0]);
  size_t name_end = start_ + family_name_len_;
  if (series_.size() > 1 && series_[0] == '{' && series_[1] == '"') name_end += 2;
  name_end = std::min(name_end, body_.size());
  std::string_view family = name_begin <= name_end ? body_.substr(name_begin, name_end - name_begin) : "";
  std::string identity;
  SeriesIdentity(family, &identity);
  if (st_cached_ && identity == st_identity_ && st_ms_ > 0) return st_ms_;

  // Peek at the following lines without disturbing the current entry.
  const OpenMetricsLexer saved_lexer = l_;
  const size_t saved_start = start_;
  const MetricType saved_type = type_;
  const std::string_view saved_series = series_, saved_text = text_;
  const double saved_value = value_;
  const int64_t saved_ts = ts_;
  const bool saved_has_ts = has_ts_;
  saved_offsets_.swap(offsets_);
  skip_created_ = false;
  ignore_exemplar_ = true;
  int64_t st = 0;
  for (;;) {
    Result<Entry> e = Next();
    if (!e.ok() || *e != Entry::kSeries) {
      st_cached_ = false;
      break;
    }
    std::string_view name = RawMetricName();
    if (!name.ends_with(kCreatedSuffix)) continue;
    SeriesIdentity(name.substr(0, name.size() - kCreatedSuffix.size()), &scratch_identity_);
    if (scratch_identity_ != identity) {
      st_cached_ = false;
      break;
    }
    st = GoFloatToInt64(value_ * 1000.0);
    st_cached_ = true;
    st_identity_ = std::move(identity);
    st_ms_ = st;
    break;
  }
  // Upstream leaves `_created` skipping on after any look-ahead.
  skip_created_ = true;
  ignore_exemplar_ = false;
  l_ = saved_lexer;
  start_ = saved_start;
  type_ = saved_type;
  series_ = saved_series;
  text_ = saved_text;
  value_ = saved_value;
  ts_ = saved_ts;
  has_ts_ = saved_has_ts;
  offsets_.swap(saved_offsets_);
  return st;
}

}  // namespace

std::unique_ptr<Parser> NewOpenMetricsParser(std::string_view body, const ParserOptions& options) {
  return std::make_unique<OpenMetricsParser>(body, options);
}

}  // namespace cairn::ingest::exposition
