#include "ingest/exposition/lexer.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "util/go_quote.h"

namespace cairn::ingest::exposition {
namespace {

// Byte classes of the lexer rules, as a table (the lexer runs per byte).
enum : uint8_t { kDigit = 1, kLetter = 2, kColon = 4, kBlank = 8 };
constexpr std::array<uint8_t, 256> kClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kLetter;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kLetter;
  t['_'] = kLetter;
  t[':'] = kColon;
  t[' '] = kBlank;
  t['\t'] = kBlank;
  return t;
}();
inline bool Is(unsigned char c, uint8_t cls) { return (kClass[c] & cls) != 0; }
inline bool IsBlank(unsigned char c) { return Is(c, kBlank); }
inline bool IsDigit(unsigned char c) { return Is(c, kDigit); }
// {M} starts a metric name, {M}|{D} continues it; {L} and {L}|{D} for labels.
inline bool IsNameStart(unsigned char c) { return Is(c, kLetter | kColon); }
inline bool IsNameChar(unsigned char c) { return Is(c, kLetter | kColon | kDigit); }
inline bool IsLabelStart(unsigned char c) { return Is(c, kLetter); }
inline bool IsLabelChar(unsigned char c) { return Is(c, kLetter | kDigit); }

}  // namespace

std::string_view TokenName(Token t) {
  switch (t) {
    case Token::kInvalid: return "INVALID";
    case Token::kEOF: return "EOF";
    case Token::kLinebreak: return "LINEBREAK";
    case Token::kWhitespace: return "WHITESPACE";
    case Token::kHelp: return "HELP";
    case Token::kType: return "TYPE";
    case Token::kUnit: return "UNIT";
    case Token::kEOFWord: return "EOFWORD";
    case Token::kText: return "TEXT";
    case Token::kComment: return "COMMENT";
    case Token::kBlank: return "BLANK";
    case Token::kMName: return "MNAME";
    case Token::kQString: return "QSTRING";
    case Token::kBraceOpen: return "BOPEN";
    case Token::kBraceClose: return "BCLOSE";
    case Token::kLName: return "LNAME";
    case Token::kLValue: return "LVALUE";
    case Token::kComma: return "COMMA";
    case Token::kEqual: return "EQUAL";
    case Token::kTimestamp: return "TIMESTAMP";
    case Token::kValue: return "VALUE";
  }
  return "INVALID";
}

std::string LexerBase::Slice(size_t a, size_t e) const {
  e = std::min(e, size_);
  a = std::min(a, e);
  std::string out;
  out.reserve(e - a);
  for (size_t k = a; k < e; ++k) out.push_back(static_cast<char>(At(k)));
  return out;
}

unsigned char LexerBase::SkipNuls() {
  while (At(i) == 0 && (state == LexState::kLValue || state == LexState::kMeta2 || state == LexState::kComment)) {
    ++i;
    if (i >= size_) return 0;
  }
  return At(i);
}

// \"(\\.|[^\\"])*\" from the opening quote at i; [^\\"] excludes NUL (golex
// never matches it) and, when !newline_ok, '\n'; '.' after a backslash
// excludes '\n' and NUL. True when the closing quote was consumed.
bool LexerBase::ScanQuoted(bool newline_ok) {
  for (;;) {
    unsigned char c = Next();
    if (c == '"') {
      Next();
      return true;
    }
    if (c == '\\') {
      c = Next();
      if (c == 0 || c == '\n') return false;
      continue;
    }
    if (c == 0 || (!newline_ok && c == '\n')) return false;
  }
}

// The golex state machine of promlex.l. `c` is always the byte at l.i; rules
// return with l.i just past the token; a failed match leaves l.i on the
// byte that did not fit (tInvalid), except in a comment, which is then
// swallowed to the end of the line.
Token PromLexer::Lex() {
  if (i >= size()) return Token::kEOF;
  unsigned char c = At(i);
  start = i;
  auto blanks = [&] {
    do c = Next(); while (IsBlank(c));
    return Token::kWhitespace;
  };
  auto abort = [&] { return state == LexState::kComment ? ConsumeComment() : Token::kInvalid; };
  auto keyword = [&](const char* rest, Token tok) {
    for (const char* p = rest; *p; ++p) {
      if ((c = Next()) != static_cast<unsigned char>(*p)) return abort();
    }
    if (!IsBlank(c = Next())) return abort();
    do c = Next(); while (IsBlank(c));
    state = LexState::kMeta1;
    return tok;
  };
  for (;;) {
    switch (state) {
      case LexState::kInit:
        if (c == '#') {
          c = Next();
          if (!IsBlank(c)) return ConsumeComment();
          do c = Next(); while (IsBlank(c));
          state = LexState::kComment;  // `#[ \t]+`: keep the token start, re-dispatch
          continue;
        }
        if (IsNameStart(c)) {
          do c = Next(); while (IsNameChar(c));
          state = LexState::kValue;
          return Token::kMName;
        }
        if (c == '\n') {
          Next();
          state = LexState::kInit;
          return Token::kLinebreak;
        }
        if (IsBlank(c)) return blanks();
        if (c == 0) {
          Next();
          return Token::kEOF;
        }
        if (c == '{') {
          Next();
          state = LexState::kLabels;
          return Token::kBraceOpen;
        }
        return abort();
      case LexState::kComment:
        if (c == 'H') return keyword("ELP", Token::kHelp);
        if (c == 'T') return keyword("YPE", Token::kType);
        if (IsBlank(c)) return blanks();
        return abort();
      case LexState::kMeta1:
        if (c == '"') {
          if (!ScanQuoted(true)) return abort();
          state = LexState::kMeta2;
          return Token::kMName;
        }
        if (IsNameStart(c)) {
          do c = Next(); while (IsNameChar(c));
          state = LexState::kMeta2;
          return Token::kMName;
        }
        if (IsBlank(c)) return blanks();
        return abort();
      case LexState::kMeta2: {
        // {C}* competes with [ \t]+: blanks alone are whitespace, blanks
        // followed by text are text.
        if (IsBlank(c)) {
          do c = Next(); while (IsBlank(c));
          if (c == 0 || c == '\n') return Token::kWhitespace;
        }
        while (c != 0 && c != '\n') c = Next();
        state = LexState::kInit;
        return Token::kText;
      }
      case LexState::kLabels:
        if (c == '"') {
          if (!ScanQuoted(true)) return abort();
          state = LexState::kLabels;
          return Token::kQString;
        }
        if (c == ',') {
          Next();
          return Token::kComma;
        }
        if (c == '=') {
          Next();
          state = LexState::kLValue;
          return Token::kEqual;
        }
        if (IsBlank(c)) return blanks();
        if (c == '}') {
          Next();
          state = LexState::kValue;
          return Token::kBraceClose;
        }
        if (IsLabelStart(c)) {
          do c = Next(); while (IsLabelChar(c));
          return Token::kLName;
        }
        return abort();
      case LexState::kLValue:
        if (c == '"') {
          if (!ScanQuoted(true)) return abort();
          state = LexState::kLabels;
          return Token::kLValue;
        }
        if (IsBlank(c)) return blanks();
        return abort();
      case LexState::kValue: {
        if (IsBlank(c)) return blanks();
        if (c == '{') {
          Next();
          state = LexState::kLabels;
          return Token::kBraceOpen;
        }
        auto value_char = [](unsigned char x) { return x != 0 && x != '\t' && x != '\n' && x != ' ' && x != '{'; };
        if (value_char(c)) {
          do c = Next(); while (value_char(c));
          state = LexState::kTimestamp;
          return Token::kValue;
        }
        return abort();
      }
      case LexState::kTimestamp:
        if (c == '\n') {
          Next();
          state = LexState::kInit;
          return Token::kLinebreak;
        }
        if (IsBlank(c)) return blanks();
        if (IsDigit(c)) {
          do c = Next(); while (IsDigit(c));
          return Token::kTimestamp;
        }
        return abort();
      default:
        return abort();
    }
  }
}

// Swallows the rest of a comment line, leaving l.i on its '\n'.
Token PromLexer::ConsumeComment() {
  for (unsigned char c = Cur();; c = Next()) {
    if (c == 0) return Token::kEOF;
    if (c == '\n') {
      state = LexState::kInit;
      return Token::kComment;
    }
  }
}

// The golex state machine of openmetricslex.l: single spaces only, no
// free-form comments, exemplars after ` # {`.
Token OpenMetricsLexer::Lex() {
  if (i >= size()) return Token::kEOF;
  unsigned char c = At(i);
  start = i;
  // [^ \n]+ after a single space (NUL never matches).
  auto field_char = [](unsigned char x) { return x != 0 && x != '\n' && x != ' '; };
  auto keyword = [&](const char* rest, Token tok) {
    for (const char* p = rest; *p; ++p) {
      if ((c = Next()) != static_cast<unsigned char>(*p)) return Token::kInvalid;
    }
    Next();
    state = LexState::kMeta1;
    return tok;
  };
  for (;;) {
    switch (state) {
      case LexState::kInit:
        if (c == '#') {
          if (Next() != ' ') return Token::kInvalid;
          c = Next();
          state = LexState::kComment;  // `#{S}`: keep the token start, re-dispatch
          continue;
        }
        if (IsNameStart(c)) {
          do c = Next(); while (IsNameChar(c));
          state = LexState::kValue;
          return Token::kMName;
        }
        if (c == '{') {
          Next();
          state = LexState::kLabels;
          return Token::kBraceOpen;
        }
        return Token::kInvalid;
      case LexState::kComment:
        if (c == 'E') {
          if (Next() != 'O' || Next() != 'F') return Token::kInvalid;
          if (Next() == '\n') Next();
          state = LexState::kInit;
          return Token::kEOFWord;
        }
        if (c == 'H') return keyword("ELP ", Token::kHelp);
        if (c == 'T') return keyword("YPE ", Token::kType);
        if (c == 'U') return keyword("NIT ", Token::kUnit);
        return Token::kInvalid;
      case LexState::kMeta1:
        if (c == '"') {
          if (!ScanQuoted(true)) return Token::kInvalid;
          state = LexState::kMeta2;
          return Token::kMName;
        }
        if (IsNameStart(c)) {
          do c = Next(); while (IsNameChar(c));
          state = LexState::kMeta2;
          return Token::kMName;
        }
        return Token::kInvalid;
      case LexState::kMeta2:
        if (c != ' ') return Token::kInvalid;
        for (;;) {
          c = Next();
          if (c == '\n') {
            Next();
            state = LexState::kInit;
            return Token::kText;
          }
          if (c == 0) return Token::kInvalid;
        }
      case LexState::kLabels:
        if (c == '"') {
          if (!ScanQuoted(true)) return Token::kInvalid;
          state = LexState::kLabels;
          return Token::kQString;
        }
        if (c == ',') {
          Next();
          return Token::kComma;
        }
        if (c == '=') {
          Next();
          state = LexState::kLValue;
          return Token::kEqual;
        }
        if (c == '}') {
          Next();
          state = LexState::kValue;
          return Token::kBraceClose;
        }
        if (IsLabelStart(c)) {
          do c = Next(); while (IsLabelChar(c));
          return Token::kLName;
        }
        return Token::kInvalid;
      case LexState::kLValue:
        if (c == '"' && ScanQuoted(false)) {
          state = LexState::kLabels;
          return Token::kLValue;
        }
        return Token::kInvalid;
      case LexState::kValue:
        if (c == ' ') {
          if (!field_char(c = Next())) return Token::kInvalid;
          do c = Next(); while (field_char(c));
          state = LexState::kTimestamp;
          return Token::kValue;
        }
        if (c == '{') {
          Next();
          state = LexState::kLabels;
          return Token::kBraceOpen;
        }
        return Token::kInvalid;
      case LexState::kTimestamp:
        if (c == ' ') {
          c = Next();
          if (c == '#') {
            c = Next();
            if (c == ' ') {
              if (Next() != '{') return Token::kInvalid;
              Next();
              state = LexState::kExemplar;
              return Token::kComment;
            }
            while (field_char(c)) c = Next();
            return Token::kTimestamp;
          }
          if (!field_char(c)) return Token::kInvalid;
          do c = Next(); while (field_char(c));
          return Token::kTimestamp;
        }
        if (c == '\n') {
          Next();
          state = LexState::kInit;
          return Token::kLinebreak;
        }
        return Token::kInvalid;
      case LexState::kExemplar:
        if (c == '"') {
          if (!ScanQuoted(false)) return Token::kInvalid;
          state = LexState::kExemplar;
          return Token::kQString;
        }
        if (c == ',') {
          Next();
          return Token::kComma;
        }
        if (c == '=') {
          Next();
          state = LexState::kEValue;
          return Token::kEqual;
        }
        if (c == '}') {
          Next();
          state = LexState::kEValue;
          return Token::kBraceClose;
        }
        if (IsLabelStart(c)) {
          do c = Next(); while (IsLabelChar(c));
          return Token::kLName;
        }
        return Token::kInvalid;
      case LexState::kEValue:
        if (c == ' ') {
          if (!field_char(c = Next())) return Token::kInvalid;
          do c = Next(); while (field_char(c));
          state = LexState::kETimestamp;
          return Token::kValue;
        }
        if (c == '"' && ScanQuoted(false)) {
          state = LexState::kExemplar;
          return Token::kLValue;
        }
        return Token::kInvalid;
      case LexState::kETimestamp:
        if (c == ' ') {
          if (!field_char(c = Next())) return Token::kInvalid;
          do c = Next(); while (field_char(c));
          return Token::kTimestamp;
        }
        if (c == '\n') {
          Next();
          state = LexState::kInit;
          return Token::kLinebreak;
        }
        return Token::kInvalid;
      default:
        return Token::kInvalid;
    }
  }
}

}  // namespace cairn::ingest::exposition

namespace cairn::ingest::exposition {

std::string ParseErrorText(const LexerBase& l, size_t line_start, std::string_view expected, Token got) {
  const size_t e = std::min(l.size(), l.i + 1);
  std::string out(expected);
  out += ", got ";
  out += GoQuote(l.Slice(l.start, e));
  out += " (";
  out += GoQuote(TokenName(got));
  out += ") while parsing: ";
  out += GoQuote(l.Slice(line_start, e));
  return out;
}

std::string WhileParsingText(const LexerBase& l, size_t line_start, std::string_view err) {
  std::string out(err);
  out += " while parsing: ";
  out += GoQuote(l.Slice(line_start, l.i));
  return out;
}

}  // namespace cairn::ingest::exposition
