// The parse tree of a text/template (text/template/parse/node.go): one Node
// struct whose `type` says which fields are in use, and String() printing a
// node back the way Go does, which execution errors quote ("at <.Labels.x>").
// Thread-safety: immutable after parsing; shared by concurrent executions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cairn::rules::tmpl {

enum class NodeType {
  kText, kAction, kBool, kChain, kCommand, kDot, kField, kIdentifier, kIf, kList, kNil, kNumber,
  kPipe, kRange, kString, kTemplate, kVariable, kWith, kBreak, kContinue,
  kEnd, kElse,  // parser-internal: never in a finished tree
};

// What the syntax of a number constant allows it to be (NumberNode).
struct NumberInfo {
  bool is_int = false, is_uint = false, is_float = false, is_complex = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
};

struct Node;
using NodePtr = std::shared_ptr<Node>;

struct Node {
  NodeType type = NodeType::kText;
  size_t pos = 0;  // byte offset in the template text
  int line = 0;    // for pipes and actions

  std::string text;                // kText; kString (quoted); kNumber; kIdentifier; kTemplate name
  std::string str;                 // kString: the unquoted value
  std::vector<std::string> ident;  // kField, kVariable: names; kChain: the fields
  bool boolean = false;            // kBool
  NumberInfo number;               // kNumber
  std::vector<NodePtr> nodes;      // kList: items; kCommand: arguments; kPipe: commands
  std::vector<NodePtr> decl;       // kPipe: declared variables (kVariable)
  bool is_assign = false;          // kPipe: `=` rather than `:=`
  NodePtr pipe;                    // kAction, kIf, kRange, kWith, kTemplate (may be null); kChain: the term
  NodePtr list, else_list;         // kIf, kRange, kWith

  std::string String() const;
};

// A parsed template and the templates it defines ({{define}}, {{block}}).
struct TemplateSet {
  std::map<std::string, NodePtr, std::less<>> trees;  // name → root list
  std::string text;        // the source, for line:column in errors
  std::string parse_name;  // the top-level template's name, which errors cite
};

}  // namespace cairn::rules::tmpl
