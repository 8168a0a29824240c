#include "rules/template/node.h"

#include "util/go_quote.h"

namespace cairn::rules::tmpl {
namespace {

void AppendControl(std::string& out, std::string_view keyword, const Node& n) {
  out += "{{";
  out += keyword;
  out += ' ';
  out += n.pipe->String();
  out += "}}";
  out += n.list->String();
  if (n.else_list) {
    out += "{{else}}";
    out += n.else_list->String();
  }
  out += "{{end}}";
}

}  // namespace

std::string Node::String() const {
  std::string out;
  switch (type) {
    case NodeType::kText:
      return text;
    case NodeType::kAction:
      return "{{" + pipe->String() + "}}";
    case NodeType::kBool:
      return boolean ? "true" : "false";
    case NodeType::kChain:
      if (pipe->type == NodeType::kPipe) {
        out = "(" + pipe->String() + ")";
      } else {
        out = pipe->String();
      }
      for (const auto& f : ident) out += "." + f;
      return out;
    case NodeType::kCommand:
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (i > 0) out += ' ';
        if (nodes[i]->type == NodeType::kPipe) {
          out += "(" + nodes[i]->String() + ")";
        } else {
          out += nodes[i]->String();
        }
      }
      return out;
    case NodeType::kDot:
      return ".";
    case NodeType::kField:
      for (const auto& f : ident) out += "." + f;
      return out;
    case NodeType::kIdentifier:
      return text;
    case NodeType::kIf:
      AppendControl(out, "if", *this);
      return out;
    case NodeType::kList:
      for (const auto& n : nodes) out += n->String();
      return out;
    case NodeType::kNil:
      return "nil";
    case NodeType::kNumber:
      return text;
    case NodeType::kPipe:
      for (size_t i = 0; i < decl.size(); ++i) {
        if (i > 0) out += ", ";
        out += decl[i]->String();
      }
      if (!decl.empty()) out += " := ";
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (i > 0) out += " | ";
        out += nodes[i]->String();
      }
      return out;
    case NodeType::kRange:
      AppendControl(out, "range", *this);
      return out;
    case NodeType::kString:
      return text;
    case NodeType::kTemplate: {
      out = "{{template " + GoQuote(this->text);
      if (pipe) out += " " + pipe->String();
      return out + "}}";
    }
    case NodeType::kVariable:
      for (size_t i = 0; i < ident.size(); ++i) {
        if (i > 0) out += '.';
        out += ident[i];
      }
      return out;
    case NodeType::kWith:
      AppendControl(out, "with", *this);
      return out;
    case NodeType::kBreak:
      return "{{break}}";
    case NodeType::kContinue:
      return "{{continue}}";
    case NodeType::kEnd:
      return "{{end}}";
    case NodeType::kElse:
      return "{{else}}";
  }
  return out;
}

}  // namespace cairn::rules::tmpl
