// The lexer of Go's text/template language (text/template/parse/lex.go, Go
// 1.19 as Prometheus 2.42 and 3.x build it): splits a template into text and
// the tokens inside {{ }} actions, applying the {{- -}} trim markers and
// dropping comments. Errors become an kError item whose text is Go's
// ("unclosed action", "bad number syntax: \"1x\"").
// Thread-safety: a Lexer is used by one parser at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cairn::rules::tmpl {

enum class ItemType {
  kError,
  kBool,
  kChar,  // a printable ASCII character: the grab bag for ',' and the like
  kCharConstant,
  kComplex,
  kAssign,   // =
  kDeclare,  // :=
  kEOF,
  kField,
  kIdentifier,
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,
  // Keywords follow.
  kKeyword,
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Item {
  ItemType type = ItemType::kEOF;
  size_t pos = 0;    // byte offset of the item in the input
  std::string val;   // the item's text, or the error message
  int line = 1;      // line of the item's start
  // Go's item.String(): EOF, the error text, <keyword>, or the %q-quoted text
  // cut to ten characters and "...".
  std::string String() const;
};

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}
  // The next item; after kEOF or kError it keeps returning kEOF.
  Item Next();

 private:
  enum class State { kText, kLeftDelim, kInsideAction, kRightDelim, kDone };
  Item Emit(ItemType t);
  Item Error(std::string message);
  void Ignore() { start_ = pos_; }
  uint32_t NextRune();
  uint32_t PeekRune();
  void Backup() { pos_ -= width_; }
  bool Accept(std::string_view valid);
  void AcceptRun(std::string_view valid);
  bool AtRightDelim(bool* trim) const;
  bool AtTerminator();
  bool ScanNumber();
  int LineAt(size_t pos) const;

  bool LexText(Item* out);
  bool LexLeftDelim(Item* out);
  bool LexComment(Item* out);
  bool LexRightDelim(Item* out);
  bool LexInsideAction(Item* out);
  bool LexSpace(Item* out);
  Item LexIdentifier();
  Item LexFieldOrVariable(ItemType type);
  Item LexQuote();
  Item LexRawQuote();
  Item LexChar();
  Item LexNumber();

  std::string_view input_;
  size_t pos_ = 0;
  size_t start_ = 0;
  size_t width_ = 0;
  int paren_depth_ = 0;
  State state_ = State::kText;
  // Line counting is incremental: line_ is the line at line_pos_.
  mutable size_t line_pos_ = 0;
  mutable int line_ = 1;
};

// unicode.IsLetter || unicode.IsDigit || '_'.
bool IsAlphaNumericRune(uint32_t r);

}  // namespace cairn::rules::tmpl
