// Internal to ingest/exposition: the two tokenisers. Each is a hand-written
// copy of the state machine golex generates from Prometheus' promlex.l and
// openmetricslex.l, including where it stops on a failure, because
// Prometheus' parse errors quote the input up to that point.
// Thread-safety: plain values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cairn::ingest::exposition {

enum class Token {
  kInvalid,
  kEOF,
  kLinebreak,
  kWhitespace,
  kHelp,
  kType,
  kUnit,
  kEOFWord,
  kText,
  kComment,
  kBlank,
  kMName,
  kQString,
  kBraceOpen,
  kBraceClose,
  kLName,
  kLValue,
  kComma,
  kEqual,
  kTimestamp,
  kValue,
};

// Prometheus' token.String(): "INVALID", "LINEBREAK", "MNAME", …
std::string_view TokenName(Token t);

// Start conditions, shared by both lexers (a lexer uses a subset).
enum class LexState {
  kInit,
  kComment,
  kMeta1,
  kMeta2,
  kLabels,
  kLValue,
  kValue,
  kTimestamp,
  kExemplar,
  kEValue,
  kETimestamp,
};

// The position and buffer logic both lexers share. The text format parses
// the body as if a '\n' were appended (Prometheus appends one); that byte is
// virtual here so the body is never copied.
class LexerBase {
 public:
  LexerBase(std::string_view body, bool virtual_newline)
      : b_(body), size_(body.size() + (virtual_newline ? 1 : 0)) {}

  size_t size() const { return size_; }
  // Byte k of the (possibly newline-extended) input. Precondition: k < size().
  unsigned char At(size_t k) const { return k < b_.size() ? static_cast<unsigned char>(b_[k]) : '\n'; }
  // Input bytes [a, e) as a string (clamped to the input), for messages.
  std::string Slice(size_t a, size_t e) const;
  // A view of body bytes [a, e); never includes the virtual newline.
  std::string_view View(size_t a, size_t e) const {
    e = e < b_.size() ? e : b_.size();
    a = a < e ? a : e;
    return b_.substr(a, e - a);
  }

  size_t i = 0;      // the next unread byte (golex's l.i)
  size_t start = 0;  // start of the current token (l.start)
  LexState state = LexState::kInit;

  // The current token's bytes.
  std::string_view Buf() const { return View(start, i); }

 protected:
  // golex's l.next(): advances and returns the new byte, or 0 past the end.
  // NUL bytes are stepped over inside label values, HELP/TYPE text and
  // comments, as Prometheus does. Inline: it runs once per input byte.
  unsigned char Next() {
    ++i;
    if (i >= size_) return 0;
    const unsigned char c = At(i);
    return c != 0 ? c : SkipNuls();
  }
  unsigned char Cur() const { return i < size_ ? At(i) : 0; }
  // Next()'s rare path: steps over NULs where upstream does.
  unsigned char SkipNuls();
  // A quoted string from its opening quote at i; false when it does not close.
  bool ScanQuoted(bool newline_ok);

 private:
  std::string_view b_;
  size_t size_;
};

class PromLexer : public LexerBase {
 public:
  explicit PromLexer(std::string_view body) : LexerBase(body, true) {}
  Token Lex();

 private:
  Token ConsumeComment();
};

class OpenMetricsLexer : public LexerBase {
 public:
  explicit OpenMetricsLexer(std::string_view body) : LexerBase(body, false) {}
  Token Lex();
};

}  // namespace cairn::ingest::exposition

namespace cairn::ingest::exposition {

// Prometheus' parseError text: `<exp>, got "<token bytes>" ("<TOKEN>") while
// parsing: "<line so far>"`, both quoted spans ending one byte past l.i.
std::string ParseErrorText(const LexerBase& l, size_t line_start, std::string_view expected, Token got);
// `<err> while parsing: "<line up to l.i>"`.
std::string WhileParsingText(const LexerBase& l, size_t line_start, std::string_view err);

}  // namespace cairn::ingest::exposition
