#include "rules/template/lexer.h"

#include <unicode/uchar.h>

#include <algorithm>

#include "util/go_quote.h"

namespace cairn::rules::tmpl {
namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr uint32_t kEofRune = 0xFFFFFFFF;
constexpr size_t kTrimMarkerLen = 2;  // "- " or " -"

bool IsSpace(uint32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }

bool HasLeftTrimMarker(std::string_view s) { return s.size() >= 2 && s[0] == '-' && IsSpace(static_cast<unsigned char>(s[1])); }
bool HasRightTrimMarker(std::string_view s) { return s.size() >= 2 && IsSpace(static_cast<unsigned char>(s[0])) && s[1] == '-'; }

size_t RightTrimLength(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsSpace(static_cast<unsigned char>(s[s.size() - 1 - n]))) ++n;
  return n;
}
size_t LeftTrimLength(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsSpace(static_cast<unsigned char>(s[n]))) ++n;
  return n;
}

ItemType KeywordType(std::string_view word) {
  if (word == ".") return ItemType::kDot;
  if (word == "block") return ItemType::kBlock;
  if (word == "break") return ItemType::kBreak;
  if (word == "continue") return ItemType::kContinue;
  if (word == "define") return ItemType::kDefine;
  if (word == "else") return ItemType::kElse;
  if (word == "end") return ItemType::kEnd;
  if (word == "if") return ItemType::kIf;
  if (word == "range") return ItemType::kRange;
  if (word == "nil") return ItemType::kNil;
  if (word == "template") return ItemType::kTemplate;
  if (word == "with") return ItemType::kWith;
  return ItemType::kError;
}

bool IsPrintAscii(uint32_t r) { return r >= 0x20 && r < 0x7F; }

}  // namespace

bool IsAlphaNumericRune(uint32_t r) {
  if (r == '_') return true;
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  return u_isalpha(static_cast<UChar32>(r)) || u_isdigit(static_cast<UChar32>(r));
}

std::string Item::String() const {
  switch (type) {
    case ItemType::kEOF:
      return "EOF";
    case ItemType::kError:
      return val;
    default:
      break;
  }
  if (type > ItemType::kKeyword) return "<" + val + ">";
  // Go's %.10q counts runes.
  size_t runes = 0;
  for (size_t i = 0; i < val.size();) {
    size_t len = 0;
    DecodeRune(val, i, len);
    i += len;
    ++runes;
  }
  if (runes > 10) return GoQuote(val, 10) + "...";
  return GoQuote(val);
}

int Lexer::LineAt(size_t pos) const {
  if (pos < line_pos_) {
    line_pos_ = 0;
    line_ = 1;
  }
  line_ += static_cast<int>(std::count(input_.begin() + static_cast<std::ptrdiff_t>(line_pos_),
                                       input_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  line_pos_ = pos;
  return line_;
}

Item Lexer::Emit(ItemType t) {
  Item item{t, start_, std::string(input_.substr(start_, pos_ - start_)), LineAt(start_)};
  start_ = pos_;
  return item;
}

Item Lexer::Error(std::string message) {
  state_ = State::kDone;
  return Item{ItemType::kError, start_, std::move(message), LineAt(start_)};
}

uint32_t Lexer::NextRune() {
  if (pos_ >= input_.size()) {
    width_ = 0;
    return kEofRune;
  }
  size_t len = 0;
  uint32_t r = DecodeRune(input_, pos_, len);
  width_ = len;
  pos_ += len;
  return r;
}

uint32_t Lexer::PeekRune() {
  uint32_t r = NextRune();
  Backup();
  return r;
}

bool Lexer::Accept(std::string_view valid) {
  uint32_t r = NextRune();
  if (r != kEofRune && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
  Backup();
  return false;
}

void Lexer::AcceptRun(std::string_view valid) {
  while (Accept(valid)) {
  }
}

bool Lexer::AtRightDelim(bool* trim) const {
  std::string_view rest = input_.substr(pos_);
  if (HasRightTrimMarker(rest) && rest.substr(kTrimMarkerLen).starts_with(kRightDelim)) {
    *trim = true;
    return true;
  }
  *trim = false;
  return rest.starts_with(kRightDelim);
}

bool Lexer::AtTerminator() {
  uint32_t r = PeekRune();
  if (r == kEofRune || IsSpace(r)) return true;
  switch (r) {
    case '.': case ',': case '|': case ':': case ')': case '(':
      return true;
    default:
      break;
  }
  return r == static_cast<uint32_t>(kRightDelim[0]);
}

Item Lexer::Next() {
  Item out;
  for (;;) {
    bool emitted = false;
    switch (state_) {
      case State::kDone:
        return Item{ItemType::kEOF, pos_, "", LineAt(pos_)};
      case State::kText:
        emitted = LexText(&out);
        break;
      case State::kLeftDelim:
        emitted = LexLeftDelim(&out);
        break;
      case State::kRightDelim:
        emitted = LexRightDelim(&out);
        break;
      case State::kInsideAction:
        emitted = LexInsideAction(&out);
        break;
    }
    if (emitted) return out;
  }
}

bool Lexer::LexText(Item* out) {
  width_ = 0;
  size_t x = input_.find(kLeftDelim, pos_);
  if (x != std::string_view::npos) {
    if (x > pos_) {
      pos_ = x;
      size_t trim = 0;
      if (HasLeftTrimMarker(input_.substr(pos_ + kLeftDelim.size()))) {
        trim = RightTrimLength(input_.substr(start_, pos_ - start_));
      }
      pos_ -= trim;
      Item text = Emit(ItemType::kText);
      pos_ += trim;
      Ignore();
      state_ = State::kLeftDelim;
      if (!text.val.empty()) {
        *out = std::move(text);
        return true;
      }
      return false;
    }
    state_ = State::kLeftDelim;
    return false;
  }
  pos_ = input_.size();
  if (pos_ > start_) {
    *out = Emit(ItemType::kText);
    return true;
  }
  *out = Emit(ItemType::kEOF);
  state_ = State::kDone;
  return true;
}

bool Lexer::LexLeftDelim(Item* out) {
  pos_ += kLeftDelim.size();
  bool trim = HasLeftTrimMarker(input_.substr(pos_));
  size_t after_marker = trim ? kTrimMarkerLen : 0;
  if (input_.substr(pos_ + after_marker).starts_with(kLeftComment)) {
    pos_ += after_marker;
    Ignore();
    return LexComment(out);
  }
  *out = Emit(ItemType::kLeftDelim);
  pos_ += after_marker;
  Ignore();
  paren_depth_ = 0;
  state_ = State::kInsideAction;
  return true;
}

bool Lexer::LexComment(Item* out) {
  pos_ += kLeftComment.size();
  size_t x = input_.find(kRightComment, pos_);
  if (x == std::string_view::npos) {
    *out = Error("unclosed comment");
    return true;
  }
  pos_ = x + kRightComment.size();
  bool trim = false;
  if (!AtRightDelim(&trim)) {
    *out = Error("comment ends before closing delimiter");
    return true;
  }
  if (trim) pos_ += kTrimMarkerLen;
  pos_ += kRightDelim.size();
  if (trim) pos_ += LeftTrimLength(input_.substr(pos_));
  Ignore();
  state_ = State::kText;
  return false;
}

bool Lexer::LexRightDelim(Item* out) {
  bool trim = HasRightTrimMarker(input_.substr(pos_));
  if (trim) {
    pos_ += kTrimMarkerLen;
    Ignore();
  }
  pos_ += kRightDelim.size();
  *out = Emit(ItemType::kRightDelim);
  if (trim) {
    pos_ += LeftTrimLength(input_.substr(pos_));
    Ignore();
  }
  state_ = State::kText;
  return true;
}

bool Lexer::LexInsideAction(Item* out) {
  bool trim = false;
  if (AtRightDelim(&trim)) {
    if (paren_depth_ == 0) {
      state_ = State::kRightDelim;
      return false;
    }
    *out = Error("unclosed left paren");
    return true;
  }
  uint32_t r = NextRune();
  if (r == kEofRune) {
    *out = Error("unclosed action");
    return true;
  }
  if (IsSpace(r)) {
    Backup();
    return LexSpace(out);
  }
  switch (r) {
    case '=':
      *out = Emit(ItemType::kAssign);
      return true;
    case ':':
      if (NextRune() != '=') {
        *out = Error("expected :=");
        return true;
      }
      *out = Emit(ItemType::kDeclare);
      return true;
    case '|':
      *out = Emit(ItemType::kPipe);
      return true;
    case '"':
      *out = LexQuote();
      return true;
    case '`':
      *out = LexRawQuote();
      return true;
    case '$':
      if (AtTerminator()) {
        *out = Emit(ItemType::kVariable);
      } else {
        *out = LexFieldOrVariable(ItemType::kVariable);
      }
      return true;
    case '\'':
      *out = LexChar();
      return true;
    case '.':
      if (pos_ < input_.size()) {
        char c = input_[pos_];
        if (c < '0' || c > '9') {
          *out = LexFieldOrVariable(ItemType::kField);
          return true;
        }
      }
      Backup();
      *out = LexNumber();
      return true;
    case '(':
      ++paren_depth_;
      *out = Emit(ItemType::kLeftParen);
      return true;
    case ')':
      --paren_depth_;
      if (paren_depth_ < 0) {
        *out = Error("unexpected right paren");
        return true;
      }
      *out = Emit(ItemType::kRightParen);
      return true;
    default:
      break;
  }
  if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
    Backup();
    *out = LexNumber();
    return true;
  }
  if (IsAlphaNumericRune(r)) {
    Backup();
    *out = LexIdentifier();
    return true;
  }
  if (IsPrintAscii(r)) {
    *out = Emit(ItemType::kChar);
    return true;
  }
  *out = Error("unrecognized character in action: " + GoRuneU(r));
  return true;
}

// A run of spaces. A " -}}" after it belongs to the right delimiter.
bool Lexer::LexSpace(Item* out) {
  int spaces = 0;
  while (pos_ < input_.size() && IsSpace(static_cast<unsigned char>(input_[pos_]))) {
    ++pos_;
    ++spaces;
  }
  std::string_view from_last = input_.substr(pos_ - 1);
  if (HasRightTrimMarker(from_last) && from_last.substr(kTrimMarkerLen).starts_with(kRightDelim)) {
    --pos_;  // leave the space for the trim marker
    if (spaces == 1) {
      state_ = State::kRightDelim;
      return false;
    }
  }
  *out = Emit(ItemType::kSpace);
  return true;
}

Item Lexer::LexIdentifier() {
  for (;;) {
    uint32_t r = NextRune();
    if (r != kEofRune && IsAlphaNumericRune(r)) continue;
    Backup();
    std::string_view word = input_.substr(start_, pos_ - start_);
    if (!AtTerminator()) return Error("bad character " + GoRuneU(r));
    ItemType kw = KeywordType(word);
    if (kw != ItemType::kError) return Emit(kw);
    if (word == "true" || word == "false") return Emit(ItemType::kBool);
    return Emit(ItemType::kIdentifier);
  }
}

Item Lexer::LexFieldOrVariable(ItemType type) {
  if (AtTerminator()) return Emit(type == ItemType::kVariable ? ItemType::kVariable : ItemType::kDot);
  uint32_t r = 0;
  for (;;) {
    r = NextRune();
    if (r == kEofRune || !IsAlphaNumericRune(r)) {
      Backup();
      break;
    }
  }
  if (!AtTerminator()) return Error("bad character " + GoRuneU(r));
  return Emit(type);
}

Item Lexer::LexQuote() {
  for (;;) {
    uint32_t r = NextRune();
    if (r == '\\') {
      r = NextRune();
      if (r != kEofRune && r != '\n') continue;
      return Error("unterminated quoted string");
    }
    if (r == kEofRune || r == '\n') return Error("unterminated quoted string");
    if (r == '"') break;
  }
  return Emit(ItemType::kString);
}

Item Lexer::LexRawQuote() {
  size_t x = input_.find('`', pos_);
  if (x == std::string_view::npos) return Error("unterminated raw quoted string");
  pos_ = x + 1;
  return Emit(ItemType::kRawString);
}

Item Lexer::LexChar() {
  for (;;) {
    uint32_t r = NextRune();
    if (r == '\\') {
      r = NextRune();
      if (r != kEofRune && r != '\n') continue;
      return Error("unterminated character constant");
    }
    if (r == kEofRune || r == '\n') return Error("unterminated character constant");
    if (r == '\'') break;
  }
  return Emit(ItemType::kCharConstant);
}

bool Lexer::ScanNumber() {
  Accept("+-");
  std::string_view digits = "0123456789_";
  if (Accept("0")) {
    if (Accept("xX")) {
      digits = "0123456789abcdefABCDEF_";
    } else if (Accept("oO")) {
      digits = "01234567_";
    } else if (Accept("bB")) {
      digits = "01_";
    }
  }
  AcceptRun(digits);
  if (Accept(".")) AcceptRun(digits);
  if (digits.size() == 11 && Accept("eE")) {
    Accept("+-");
    AcceptRun("0123456789_");
  }
  if (digits.size() == 23 && Accept("pP")) {
    Accept("+-");
    AcceptRun("0123456789_");
  }
  Accept("i");
  uint32_t r = PeekRune();
  if (r != kEofRune && IsAlphaNumericRune(r)) {
    NextRune();
    return false;
  }
  return true;
}

Item Lexer::LexNumber() {
  if (!ScanNumber()) return Error("bad number syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
  uint32_t sign = PeekRune();
  if (sign == '+' || sign == '-') {
    if (!ScanNumber() || input_[pos_ - 1] != 'i') {
      return Error("bad number syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
    }
    return Emit(ItemType::kComplex);
  }
  return Emit(ItemType::kNumber);
}

}  // namespace cairn::rules::tmpl
