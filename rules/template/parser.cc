#include "rules/template/parser.h"

#include <array>
#include <cmath>
#include <limits>

#include "rules/template/lexer.h"
#include "util/go_quote.h"
#include "util/go_strconv.h"
#include "util/go_unquote.h"

namespace cairn::rules::tmpl {
namespace {

struct ParseError {
  std::string message;
};

// strconv.ParseUint/ParseInt with base 0: 0x, 0o, 0b and leading-0 octal
// prefixes, '_' between digits only after a prefix.
bool ParseUintBase0(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  int base = 10;
  std::string_view digits = s;
  bool prefixed = false;
  if (s[0] == '0' && s.size() > 1) {
    char c = static_cast<char>(s[1] | 0x20);
    if (c == 'x') {
      base = 16;
      digits = s.substr(2);
      prefixed = true;
    } else if (c == 'o') {
      base = 8;
      digits = s.substr(2);
      prefixed = true;
    } else if (c == 'b') {
      base = 2;
      digits = s.substr(2);
      prefixed = true;
    } else {
      base = 8;
      digits = s.substr(1);
      prefixed = true;
    }
  }
  if (digits.empty()) return false;
  uint64_t v = 0;
  bool saw_underscore = false;
  for (char c : digits) {
    if (c == '_') {
      saw_underscore = true;
      continue;
    }
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      d = (c | 0x20) - 'a' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    if (v > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (saw_underscore && (!prefixed || !GoUnderscoreOk(s))) return false;
  *out = v;
  return true;
}

bool ParseIntBase0(std::string_view s, int64_t* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s = s.substr(1);
  }
  uint64_t u = 0;
  if (!ParseUintBase0(s, &u)) return false;
  if (neg) {
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return false;
    *out = static_cast<int64_t>(0 - u);
    return true;
  }
  if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  *out = static_cast<int64_t>(u);
  return true;
}

class Parser {
 public:
  Parser(std::string_view name, std::string_view text, const std::function<bool(std::string_view)>& has_function,
         TemplateSet* set, Lexer* lexer)
      : name_(name), parse_name_(name), text_(text), has_function_(has_function), set_(set), lex_(lexer) {}

  void ParseTop();

 private:
  Item NextToken();
  void BackupToken() { ++peek_count_; }
  void Backup2(Item t1) {
    token_[1] = std::move(t1);
    peek_count_ = 2;
  }
  void Backup3(Item t2, Item t1) {
    token_[1] = std::move(t1);
    token_[2] = std::move(t2);
    peek_count_ = 3;
  }
  const Item& Peek();
  Item NextNonSpace();
  Item PeekNonSpace();

  [[noreturn]] void Errorf(const std::string& message) {
    throw ParseError{"template: " + parse_name_ + ":" + std::to_string(token_[0].line) + ": " + message};
  }
  Item Expect(ItemType expected, std::string_view context);
  Item ExpectOneOf(ItemType a, ItemType b, std::string_view context);
  [[noreturn]] void Unexpected(const Item& token, std::string_view context);

  NodePtr NewNode(NodeType type, size_t pos) {
    auto n = std::make_shared<Node>();
    n->type = type;
    n->pos = pos;
    return n;
  }
  void Add(NodePtr root);
  void ParseDefinition();
  std::pair<NodePtr, NodePtr> ItemList();
  NodePtr TextOrAction();
  NodePtr Action();
  NodePtr BreakControl(size_t pos, int line, NodeType type, std::string_view what);
  NodePtr Pipeline(std::string_view context, ItemType end);
  void CheckPipeline(const Node& pipe, std::string_view context);
  NodePtr ParseControl(NodeType type, std::string_view context);
  NodePtr ElseControl();
  NodePtr BlockControl();
  NodePtr TemplateControl();
  std::string ParseTemplateName(const Item& token, std::string_view context);
  NodePtr Command();
  NodePtr Operand();
  NodePtr Term();
  NodePtr NewNumber(const Item& token);
  NodePtr UseVar(size_t pos, const std::string& name);
  static std::vector<std::string> SplitIdent(std::string_view s);

  std::string name_;
  std::string parse_name_;
  std::string_view text_;
  const std::function<bool(std::string_view)>& has_function_;
  TemplateSet* set_;
  Lexer* lex_;
  std::array<Item, 3> token_;
  int peek_count_ = 0;
  std::vector<std::string> vars_{"$"};
  int action_line_ = 0;
  int range_depth_ = 0;
  int stack_depth_ = 0;
};

Item Parser::NextToken() {
  if (peek_count_ > 0) {
    --peek_count_;
  } else {
    token_[0] = lex_->Next();
  }
  return token_[peek_count_];
}

const Item& Parser::Peek() {
  if (peek_count_ > 0) return token_[peek_count_ - 1];
  peek_count_ = 1;
  token_[0] = lex_->Next();
  return token_[0];
}

Item Parser::NextNonSpace() {
  Item t;
  do {
    t = NextToken();
  } while (t.type == ItemType::kSpace);
  return t;
}

Item Parser::PeekNonSpace() {
  Item t = NextNonSpace();
  BackupToken();
  return t;
}

Item Parser::Expect(ItemType expected, std::string_view context) {
  Item t = NextNonSpace();
  if (t.type != expected) Unexpected(t, context);
  return t;
}

Item Parser::ExpectOneOf(ItemType a, ItemType b, std::string_view context) {
  Item t = NextNonSpace();
  if (t.type != a && t.type != b) Unexpected(t, context);
  return t;
}

void Parser::Unexpected(const Item& token, std::string_view context) {
  if (token.type == ItemType::kError) {
    std::string extra;
    if (action_line_ != 0 && action_line_ != token.line) {
      extra = " in action started at " + parse_name_ + ":" + std::to_string(action_line_);
      if (token.val.ends_with(" action")) extra = extra.substr(std::string_view(" in action").size());
    }
    Errorf(token.val + extra);
  }
  Errorf("unexpected " + token.String() + " in " + std::string(context));
}

bool IsEmptyTree(const Node* n) {
  if (n == nullptr) return true;
  switch (n->type) {
    case NodeType::kList:
      for (const auto& c : n->nodes) {
        if (!IsEmptyTree(c.get())) return false;
      }
      return true;
    case NodeType::kText: {
      for (char c : n->text) {
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

void Parser::Add(NodePtr root) {
  auto it = set_->trees.find(name_);
  if (it == set_->trees.end() || IsEmptyTree(it->second.get())) {
    set_->trees[name_] = std::move(root);
    return;
  }
  if (!IsEmptyTree(root.get())) Errorf("template: multiple definition of template " + GoQuote(name_));
}

void Parser::ParseTop() {
  NodePtr root = NewNode(NodeType::kList, Peek().pos);
  while (Peek().type != ItemType::kEOF) {
    if (Peek().type == ItemType::kLeftDelim) {
      Item delim = NextToken();
      if (NextNonSpace().type == ItemType::kDefine) {
        Parser def("definition", text_, has_function_, set_, lex_);
        def.parse_name_ = parse_name_;
        def.ParseDefinition();
        continue;
      }
      Backup2(delim);
    }
    NodePtr n = TextOrAction();
    if (n->type == NodeType::kEnd || n->type == NodeType::kElse) Errorf("unexpected " + n->String());
    root->nodes.push_back(n);
  }
  Add(root);
}

void Parser::ParseDefinition() {
  constexpr std::string_view kContext = "define clause";
  Item name = ExpectOneOf(ItemType::kString, ItemType::kRawString, kContext);
  auto unquoted = GoUnquote(name.val);
  if (!unquoted) Errorf("invalid syntax");
  name_ = *unquoted;
  Expect(ItemType::kRightDelim, kContext);
  auto [root, end] = ItemList();
  if (end->type != NodeType::kEnd) Errorf("unexpected " + end->String() + " in " + std::string(kContext));
  Add(root);
}

std::pair<NodePtr, NodePtr> Parser::ItemList() {
  NodePtr list = NewNode(NodeType::kList, PeekNonSpace().pos);
  while (PeekNonSpace().type != ItemType::kEOF) {
    NodePtr n = TextOrAction();
    if (n->type == NodeType::kEnd || n->type == NodeType::kElse) return {list, n};
    list->nodes.push_back(n);
  }
  Errorf("unexpected EOF");
}

NodePtr Parser::TextOrAction() {
  Item token = NextNonSpace();
  switch (token.type) {
    case ItemType::kText: {
      NodePtr n = NewNode(NodeType::kText, token.pos);
      n->text = token.val;
      return n;
    }
    case ItemType::kLeftDelim: {
      action_line_ = token.line;
      NodePtr n = Action();
      action_line_ = 0;
      return n;
    }
    default:
      Unexpected(token, "input");
  }
}

NodePtr Parser::Action() {
  Item token = NextNonSpace();
  switch (token.type) {
    case ItemType::kBlock:
      return BlockControl();
    case ItemType::kBreak:
      return BreakControl(token.pos, token.line, NodeType::kBreak, "break");
    case ItemType::kContinue:
      return BreakControl(token.pos, token.line, NodeType::kContinue, "continue");
    case ItemType::kElse:
      return ElseControl();
    case ItemType::kEnd:
      return NewNode(NodeType::kEnd, Expect(ItemType::kRightDelim, "end").pos);
    case ItemType::kIf:
      return ParseControl(NodeType::kIf, "if");
    case ItemType::kRange:
      return ParseControl(NodeType::kRange, "range");
    case ItemType::kTemplate:
      return TemplateControl();
    case ItemType::kWith:
      return ParseControl(NodeType::kWith, "with");
    default:
      break;
  }
  BackupToken();
  const Item& peeked = Peek();
  NodePtr n = NewNode(NodeType::kAction, peeked.pos);
  n->line = peeked.line;
  n->pipe = Pipeline("command", ItemType::kRightDelim);
  return n;
}

NodePtr Parser::BreakControl(size_t pos, int line, NodeType type, std::string_view what) {
  Item token = NextNonSpace();
  if (token.type != ItemType::kRightDelim) Unexpected(token, "{{" + std::string(what) + "}}");
  if (range_depth_ == 0) Errorf("{{" + std::string(what) + "}} outside {{range}}");
  NodePtr n = NewNode(type, pos);
  n->line = line;
  return n;
}

NodePtr Parser::Pipeline(std::string_view context, ItemType end) {
  Item token = PeekNonSpace();
  NodePtr pipe = NewNode(NodeType::kPipe, token.pos);
  pipe->line = token.line;
  for (;;) {  // declarations
    Item v = PeekNonSpace();
    if (v.type != ItemType::kVariable) break;
    NextToken();
    // "$x foo" versus "$x := foo": the token after the variable decides.
    Item after_variable = Peek();
    Item next = PeekNonSpace();
    if (next.type == ItemType::kAssign || next.type == ItemType::kDeclare) {
      pipe->is_assign = next.type == ItemType::kAssign;
      NextNonSpace();
      NodePtr var = NewNode(NodeType::kVariable, v.pos);
      var->ident = SplitIdent(v.val);
      pipe->decl.push_back(var);
      vars_.push_back(v.val);
      break;
    }
    if (next.type == ItemType::kChar && next.val == ",") {
      NextNonSpace();
      NodePtr var = NewNode(NodeType::kVariable, v.pos);
      var->ident = SplitIdent(v.val);
      pipe->decl.push_back(var);
      vars_.push_back(v.val);
      if (context == "range" && pipe->decl.size() < 2) {
        ItemType t = PeekNonSpace().type;
        if (t == ItemType::kVariable || t == ItemType::kRightDelim || t == ItemType::kRightParen) continue;
        Errorf("range can only initialize variables");
      }
      Errorf("too many declarations in " + std::string(context));
    }
    if (after_variable.type == ItemType::kSpace) {
      Backup3(v, after_variable);
    } else {
      Backup2(v);
    }
    break;
  }
  for (;;) {
    Item t = NextNonSpace();
    if (t.type == end) {
      CheckPipeline(*pipe, context);
      return pipe;
    }
    switch (t.type) {
      case ItemType::kBool: case ItemType::kCharConstant: case ItemType::kComplex: case ItemType::kDot:
      case ItemType::kField: case ItemType::kIdentifier: case ItemType::kNumber: case ItemType::kNil:
      case ItemType::kRawString: case ItemType::kString: case ItemType::kVariable: case ItemType::kLeftParen:
        BackupToken();
        pipe->nodes.push_back(Command());
        break;
      default:
        Unexpected(t, context);
    }
  }
}

void Parser::CheckPipeline(const Node& pipe, std::string_view context) {
  if (pipe.nodes.empty()) Errorf("missing value for " + std::string(context));
  for (size_t i = 1; i < pipe.nodes.size(); ++i) {
    switch (pipe.nodes[i]->nodes[0]->type) {
      case NodeType::kBool: case NodeType::kDot: case NodeType::kNil: case NodeType::kNumber: case NodeType::kString:
        Errorf("non executable command in pipeline stage " + std::to_string(i + 1));
      default:
        break;
    }
  }
}

NodePtr Parser::ParseControl(NodeType type, std::string_view context) {
  size_t vars_mark = vars_.size();
  NodePtr n = NewNode(type, 0);
  n->pipe = Pipeline(context, ItemType::kRightDelim);
  if (type == NodeType::kRange) ++range_depth_;
  auto [list, next] = ItemList();
  if (type == NodeType::kRange) --range_depth_;
  n->list = list;
  if (next->type == NodeType::kElse) {
    // "else if" / "else with" nest a new control as the whole else branch.
    if (type == NodeType::kIf && Peek().type == ItemType::kIf) {
      NextToken();
      n->else_list = NewNode(NodeType::kList, next->pos);
      n->else_list->nodes.push_back(ParseControl(NodeType::kIf, "if"));
    } else if (type == NodeType::kWith && Peek().type == ItemType::kWith) {
      NextToken();
      n->else_list = NewNode(NodeType::kList, next->pos);
      n->else_list->nodes.push_back(ParseControl(NodeType::kWith, "with"));
    } else {
      auto [else_list, end] = ItemList();
      if (end->type != NodeType::kEnd) Errorf("expected end; found " + end->String());
      n->else_list = else_list;
    }
  }
  n->pos = n->pipe->pos;
  n->line = n->pipe->line;
  vars_.resize(vars_mark);
  return n;
}

NodePtr Parser::ElseControl() {
  Item peek = PeekNonSpace();
  if (peek.type == ItemType::kIf || peek.type == ItemType::kWith) return NewNode(NodeType::kElse, peek.pos);
  Item token = Expect(ItemType::kRightDelim, "else");
  return NewNode(NodeType::kElse, token.pos);
}

NodePtr Parser::BlockControl() {
  constexpr std::string_view kContext = "block clause";
  Item token = NextNonSpace();
  std::string name = ParseTemplateName(token, kContext);
  NodePtr pipe = Pipeline(kContext, ItemType::kRightDelim);
  Parser block(name, text_, has_function_, set_, lex_);
  block.parse_name_ = parse_name_;
  auto [root, end] = block.ItemList();
  if (end->type != NodeType::kEnd) Errorf("unexpected " + end->String() + " in " + std::string(kContext));
  block.Add(root);
  NodePtr n = NewNode(NodeType::kTemplate, token.pos);
  n->line = token.line;
  n->text = name;
  n->pipe = pipe;
  return n;
}

NodePtr Parser::TemplateControl() {
  constexpr std::string_view kContext = "template clause";
  Item token = NextNonSpace();
  std::string name = ParseTemplateName(token, kContext);
  NodePtr n = NewNode(NodeType::kTemplate, token.pos);
  n->line = token.line;
  n->text = name;
  if (NextNonSpace().type != ItemType::kRightDelim) {
    BackupToken();
    n->pipe = Pipeline(kContext, ItemType::kRightDelim);
  }
  return n;
}

std::string Parser::ParseTemplateName(const Item& token, std::string_view context) {
  if (token.type != ItemType::kString && token.type != ItemType::kRawString) Unexpected(token, context);
  auto s = GoUnquote(token.val);
  if (!s) Errorf("invalid syntax");
  return *s;
}

NodePtr Parser::Command() {
  NodePtr cmd = NewNode(NodeType::kCommand, PeekNonSpace().pos);
  for (;;) {
    PeekNonSpace();
    NodePtr operand = Operand();
    if (operand) cmd->nodes.push_back(operand);
    Item token = NextToken();
    if (token.type == ItemType::kSpace) continue;
    if (token.type == ItemType::kRightDelim || token.type == ItemType::kRightParen) {
      BackupToken();
    } else if (token.type != ItemType::kPipe) {
      Unexpected(token, "operand");
    }
    break;
  }
  if (cmd->nodes.empty()) Errorf("empty command");
  return cmd;
}

NodePtr Parser::Operand() {
  NodePtr node = Term();
  if (!node) return nullptr;
  if (Peek().type == ItemType::kField) {
    NodePtr chain = NewNode(NodeType::kChain, Peek().pos);
    chain->pipe = node;
    while (Peek().type == ItemType::kField) {
      Item f = NextToken();
      chain->ident.push_back(f.val.substr(1));
    }
    switch (node->type) {
      case NodeType::kField: {
        NodePtr field = NewNode(NodeType::kField, chain->pos);
        field->ident = node->ident;
        field->ident.insert(field->ident.end(), chain->ident.begin(), chain->ident.end());
        return field;
      }
      case NodeType::kVariable: {
        NodePtr var = NewNode(NodeType::kVariable, chain->pos);
        var->ident = node->ident;
        var->ident.insert(var->ident.end(), chain->ident.begin(), chain->ident.end());
        return var;
      }
      case NodeType::kBool: case NodeType::kString: case NodeType::kNumber: case NodeType::kNil: case NodeType::kDot:
        Errorf("unexpected . after term " + GoQuote(node->String()));
      default:
        return chain;
    }
  }
  return node;
}

NodePtr Parser::Term() {
  Item token = NextNonSpace();
  switch (token.type) {
    case ItemType::kIdentifier: {
      if (!has_function_(token.val)) Errorf("function " + GoQuote(token.val) + " not defined");
      NodePtr n = NewNode(NodeType::kIdentifier, token.pos);
      n->text = token.val;
      return n;
    }
    case ItemType::kDot:
      return NewNode(NodeType::kDot, token.pos);
    case ItemType::kNil:
      return NewNode(NodeType::kNil, token.pos);
    case ItemType::kVariable:
      return UseVar(token.pos, token.val);
    case ItemType::kField: {
      NodePtr n = NewNode(NodeType::kField, token.pos);
      n->ident = SplitIdent(std::string_view(token.val).substr(1));
      return n;
    }
    case ItemType::kBool: {
      NodePtr n = NewNode(NodeType::kBool, token.pos);
      n->boolean = token.val == "true";
      return n;
    }
    case ItemType::kCharConstant: case ItemType::kComplex: case ItemType::kNumber:
      return NewNumber(token);
    case ItemType::kLeftParen: {
      if (stack_depth_ >= kMaxParseDepth) Errorf("max expression depth exceeded");
      ++stack_depth_;
      NodePtr p = Pipeline("parenthesized pipeline", ItemType::kRightParen);
      --stack_depth_;
      return p;
    }
    case ItemType::kString: case ItemType::kRawString: {
      auto s = GoUnquote(token.val);
      if (!s) Errorf("invalid syntax");
      NodePtr n = NewNode(NodeType::kString, token.pos);
      n->text = token.val;
      n->str = *s;
      return n;
    }
    default:
      BackupToken();
      return nullptr;
  }
}

NodePtr Parser::NewNumber(const Item& token) {
  NodePtr n = NewNode(NodeType::kNumber, token.pos);
  n->text = token.val;
  NumberInfo& num = n->number;
  const std::string& text = token.val;
  if (token.type == ItemType::kCharConstant) {
    uint32_t r = 0;
    bool multibyte = false;
    std::string_view tail;
    if (!GoUnquoteChar(std::string_view(text).substr(1), '\'', r, multibyte, tail)) Errorf("invalid syntax");
    if (tail != "'") Errorf("malformed character constant: " + text);
    num.is_int = num.is_uint = num.is_float = true;
    num.int64 = r;
    num.uint64 = r;
    num.float64 = r;
    return n;
  }
  if (token.type == ItemType::kComplex || (!text.empty() && text.back() == 'i')) {
    // Go accepts complex constants; no Prometheus template has use for them.
    Errorf("complex constant " + text + " is not supported");
  }
  uint64_t u = 0;
  if (ParseUintBase0(text, &u)) {
    num.is_uint = true;
    num.uint64 = u;
  }
  int64_t i = 0;
  if (ParseIntBase0(text, &i)) {
    num.is_int = true;
    num.int64 = i;
    if (i == 0) {
      num.is_uint = true;
      num.uint64 = 0;
    }
  }
  if (num.is_int) {
    num.is_float = true;
    num.float64 = static_cast<double>(num.int64);
  } else if (num.is_uint) {
    num.is_float = true;
    num.float64 = static_cast<double>(num.uint64);
  } else {
    GoFloat f = GoParseFloat(text);
    if (f.error == GoNumError::kNone) {
      if (text.find_first_of(".eEpP") == std::string::npos) Errorf("integer overflow: " + text);
      num.is_float = true;
      num.float64 = f.value;
      if (std::isfinite(f.value) && f.value >= -9.2233720368547758e18 && f.value < 9.2233720368547758e18 &&
          static_cast<double>(static_cast<int64_t>(f.value)) == f.value) {
        num.is_int = true;
        num.int64 = static_cast<int64_t>(f.value);
      }
      if (std::isfinite(f.value) && f.value >= 0 && f.value < 1.8446744073709552e19 &&
          static_cast<double>(static_cast<uint64_t>(f.value)) == f.value) {
        num.is_uint = true;
        num.uint64 = static_cast<uint64_t>(f.value);
      }
    }
  }
  if (!num.is_int && !num.is_uint && !num.is_float) Errorf("illegal number syntax: " + GoQuote(text));
  return n;
}

NodePtr Parser::UseVar(size_t pos, const std::string& name) {
  NodePtr v = NewNode(NodeType::kVariable, pos);
  v->ident = SplitIdent(name);
  for (const auto& var : vars_) {
    if (var == v->ident[0]) return v;
  }
  Errorf("undefined variable " + GoQuote(v->ident[0]));
}

std::vector<std::string> Parser::SplitIdent(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    out.emplace_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

}  // namespace

Status ParseTemplate(std::string_view name, std::string_view text,
                     const std::function<bool(std::string_view)>& has_function, TemplateSet* set) {
  set->text = std::string(text);
  set->parse_name = std::string(name);
  Lexer lexer(set->text);
  Parser parser(name, set->text, has_function, set, &lexer);
  try {
    parser.ParseTop();
  } catch (const ParseError& e) {
    set->trees.clear();
    return Status::InvalidArgument(e.message);
  }
  return Status::OK();
}

}  // namespace cairn::rules::tmpl
