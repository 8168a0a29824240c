// PromQL lexer: turns a query into tokens, the way Prometheus' lexer does
// (keywords are case-insensitive, durations like `1h30m` are one token,
// `#` starts a comment to the end of the line, identifiers may contain `:`
// outside braces). The token micro-grammars are Spirit X3 parsers in
// lexer.cc; this header exposes plain data only.
//
// Lexing never fails as a whole: the first lexical error becomes a kError
// token (its `text` is the message) and ends the stream, so the parser
// reports whichever comes first, a syntax error or the lexical one.
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::promql::parser {

enum class Tok {
  kEof, kError, kIdentifier, kMetricIdentifier, kNumber, kDuration, kString,
  kLeftParen, kRightParen, kLeftBrace, kRightBrace, kLeftBracket, kRightBracket,
  kComma, kColon, kAt,
  kEql,       // =   (matchers)
  kEqlRegex,  // =~
  kNeqRegex,  // !~
  // Binary operators.
  kAdd, kSub, kMul, kDiv, kMod, kPow, kEqlc, kNeq, kGtr, kLss, kGte, kLte,
  kTrimUpper, kTrimLower, kLand, kLor, kLunless, kAtan2,
  // Aggregators.
  kSum, kAvg, kCount, kMin, kMax, kGroup, kStddev, kStdvar, kTopk, kBottomk,
  kCountValues, kQuantile, kLimitk, kLimitRatio,
  // Keywords.
  kBool, kBy, kWithout, kOn, kIgnoring, kGroupLeft, kGroupRight, kOffset,
  kStart, kEnd, kStep, kRange, kAnchored, kSmoothed,
};

struct Token {
  Tok kind = Tok::kEof;
  int32_t pos = 0;     // byte offset of the first character
  int32_t end = 0;     // byte offset one past the last character
  std::string text;    // source text; the message for kError
  std::string str;     // unquoted value for kString
  double number = 0;   // value for kNumber; seconds for kDuration
  // False when a kNumber or kDuration's text is not a valid value; `str` then
  // holds the message, reported only if the parser uses the token as a value
  // (as Prometheus converts numbers when it reduces them).
  bool value_ok = true;
};

bool IsAggregator(Tok t);
bool IsKeyword(Tok t);
bool IsBinaryOperator(Tok t);

// Prometheus' description of a token in "unexpected <desc>" messages:
// `"("`, `<op:+>`, `<aggr:sum>`, `<by>`, `identifier "foo"`, `number "1"`,
// `end of input`, ...
std::string DescribeToken(const Token& t);

// Lexes the whole input. The last token is kEof or kError.
std::vector<Token> Lex(std::string_view input);

}  // namespace cairn::promql::parser
