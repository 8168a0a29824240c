#include "rules/template/exec.h"

#include <optional>
#include <utility>

#include "rules/template/go_fmt.h"
#include "util/go_quote.h"

namespace cairn::rules::tmpl {

const char* ParamTypeName(ParamType t) {
  switch (t) {
    case ParamType::kAny: return "interface {}";
    case ParamType::kReflectValue: return "reflect.Value";
    case ParamType::kString: return "string";
    case ParamType::kFloat64: return "float64";
    case ParamType::kInt: return "int";
    case ParamType::kBool: return "bool";
    case ParamType::kSamples: return "template.queryResult";
    case ParamType::kSample: return "*template.sample";
  }
  return "";
}

namespace {

struct ExecError {
  std::string message;
};
// {{break}} and {{continue}} unwind to the enclosing range.
struct BreakSignal {};
struct ContinueSignal {};

// The previous command's value in a pipeline; nullopt is Go's missingVal.
using Final = std::optional<Value>;

bool CanBeNil(ParamType t) {
  return t == ParamType::kAny || t == ParamType::kReflectValue || t == ParamType::kSamples || t == ParamType::kSample;
}

Value ZeroOf(ParamType t) {
  switch (t) {
    case ParamType::kSamples: return Value::OfSamples(nullptr);
    case ParamType::kSample: return Value::OfSample(nullptr);
    default: return Value{};
  }
}

bool Assignable(const Value& v, ParamType t) {
  switch (t) {
    case ParamType::kAny: case ParamType::kReflectValue: return true;
    case ParamType::kString: return v.kind == Kind::kString;
    case ParamType::kFloat64: return v.kind == Kind::kFloat;
    case ParamType::kInt: return v.kind == Kind::kInt;
    case ParamType::kBool: return v.kind == Kind::kBool;
    case ParamType::kSamples: return v.kind == Kind::kSamples;
    case ParamType::kSample: return v.kind == Kind::kSample;
  }
  return false;
}

bool HasDigitsOnlySyntax(const std::string& text) {
  bool hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                 text.find_first_of("pP") == std::string::npos;
  bool rune_int = !text.empty() && text[0] == '\'';
  return hex_int || rune_int || text.find_first_of(".eEpP") == std::string::npos;
}

class State {
 public:
  State(const TemplateSet& set, std::string name, const std::vector<const FuncMap*>& funcs)
      : set_(set), name_(std::move(name)), funcs_(funcs) {}

  void Walk(const Value& dot, const Node* node);
  void Push(std::string name, Value v) { vars_.emplace_back(std::move(name), std::move(v)); }
  std::string out;

 private:
  [[noreturn]] void Errorf(const std::string& message);
  void At(const Node* n) { node_ = n; }
  size_t Mark() const { return vars_.size(); }
  void Pop(size_t mark) { vars_.resize(mark); }
  void SetVar(const std::string& name, const Value& v);
  Value VarValue(const std::string& name);

  void WalkIfOrWith(bool is_with, const Value& dot, const Node* n);
  void WalkRange(const Value& dot, const Node* n);
  void WalkTemplate(const Value& dot, const Node* n);
  Value EvalPipeline(const Value& dot, const Node* pipe);
  void NotAFunction(const std::vector<NodePtr>& args, const Final& final);
  Value EvalCommand(const Value& dot, const Node* cmd, const Final& final);
  Value IdealConstant(const Node* constant);
  Value EvalFieldNode(const Value& dot, const Node* field, const std::vector<NodePtr>* args, const Final& final);
  Value EvalChainNode(const Value& dot, const Node* chain, const std::vector<NodePtr>* args, const Final& final);
  Value EvalVariableNode(const Value& dot, const Node* var, const std::vector<NodePtr>* args, const Final& final);
  Value EvalFieldChain(const Value& dot, Value receiver, const Node* node, const std::vector<std::string>& ident,
                       size_t from, const std::vector<NodePtr>* args, const Final& final);
  Value EvalFunction(const Value& dot, const Node* ident, const Node* cmd, const std::vector<NodePtr>* args,
                     const Final& final);
  Value EvalField(const Value& dot, const std::string& field, const Node* node, const std::vector<NodePtr>* args,
                  const Final& final, const Value& receiver);
  Value EvalCall(const Value& dot, const Function& fn, const Node* node, const std::string& name,
                 const std::vector<NodePtr>* args, const Final& final);
  Value ValidateType(const Value& v, ParamType t);
  Value EvalArg(const Value& dot, std::optional<ParamType> t, const Node* n);
  Value EvalEmptyInterface(const Value& dot, const Node* n);
  Value CallTimeMethod(const Value& dot, const Value& receiver, const std::string& method, const Node* node,
                       const std::vector<NodePtr>* args, const Final& final, bool* found);

  const TemplateSet& set_;
  std::string name_;  // the template being executed
  const std::vector<const FuncMap*>& funcs_;
  const Node* node_ = nullptr;
  std::vector<std::pair<std::string, Value>> vars_;
  int depth_ = 0;
  int range_depth_ = 0;
};

void State::Errorf(const std::string& message) {
  if (node_ == nullptr) throw ExecError{"template: " + name_ + ": " + message};
  std::string_view text = set_.text;
  size_t pos = std::min(node_->pos, text.size());
  std::string_view before = text.substr(0, pos);
  size_t nl = before.rfind('\n');
  size_t col = nl == std::string_view::npos ? pos : pos - (nl + 1);
  size_t line = 1;
  for (char c : before) line += c == '\n' ? 1 : 0;
  const std::string& parse_name = set_.parse_name;
  throw ExecError{"template: " + parse_name + ":" + std::to_string(line) + ":" + std::to_string(col) +
                  ": executing " + GoQuote(name_) + " at <" + node_->String() + ">: " + message};
}

void State::SetVar(const std::string& name, const Value& v) {
  for (size_t i = vars_.size(); i-- > 0;) {
    if (vars_[i].first == name) {
      vars_[i].second = v;
      return;
    }
  }
  Errorf("undefined variable: " + name);
}

Value State::VarValue(const std::string& name) {
  for (size_t i = vars_.size(); i-- > 0;) {
    if (vars_[i].first == name) return vars_[i].second;
  }
  Errorf("undefined variable: " + name);
}

void State::Walk(const Value& dot, const Node* node) {
  At(node);
  switch (node->type) {
    case NodeType::kAction: {
      // Variables declared here persist until the enclosing {{end}}.
      Value v = EvalPipeline(dot, node->pipe.get());
      if (node->pipe->decl.empty()) {
        At(node);
        out += GoPrintActionValue(v);
      }
      return;
    }
    case NodeType::kBreak:
      throw BreakSignal{};
    case NodeType::kContinue:
      throw ContinueSignal{};
    case NodeType::kIf:
      WalkIfOrWith(false, dot, node);
      return;
    case NodeType::kList:
      for (const auto& n : node->nodes) Walk(dot, n.get());
      return;
    case NodeType::kRange:
      WalkRange(dot, node);
      return;
    case NodeType::kTemplate:
      WalkTemplate(dot, node);
      return;
    case NodeType::kText:
      out += node->text;
      return;
    case NodeType::kWith:
      WalkIfOrWith(true, dot, node);
      return;
    default:
      Errorf("unknown node: " + node->String());
  }
}

void State::WalkIfOrWith(bool is_with, const Value& dot, const Node* n) {
  size_t mark = Mark();
  Value v = EvalPipeline(dot, n->pipe.get());
  if (IsTrue(v)) {
    Walk(is_with ? v : dot, n->list.get());
  } else if (n->else_list) {
    Walk(dot, n->else_list.get());
  }
  Pop(mark);
}

void State::WalkRange(const Value& dot, const Node* r) {
  At(r);
  size_t outer_mark = Mark();
  Value v = EvalPipeline(dot, r->pipe.get());
  size_t mark = Mark();
  size_t ndecl = r->pipe->decl.size();
  bool broke = false;
  auto one = [&](const Value& index, const Value& elem) {
    if (ndecl > 0) vars_[vars_.size() - 1].second = elem;   // the last declared variable is the element
    if (ndecl > 1) vars_[vars_.size() - 2].second = index;  // the first, the index or key
    try {
      Walk(elem, r->list.get());
    } catch (const ContinueSignal&) {
    } catch (const BreakSignal&) {
      broke = true;
    }
    Pop(mark);
  };
  bool iterated = false;
  switch (v.kind) {
    case Kind::kSamples:
      if (v.samples) {
        for (size_t i = 0; i < v.samples->size() && !broke; ++i) {
          one(Value::Int(static_cast<int64_t>(i)), Value::OfSample((*v.samples)[i]));
          iterated = true;
        }
      }
      break;
    case Kind::kStringMap:
      if (v.string_map) {
        for (auto it = v.string_map->begin(); it != v.string_map->end() && !broke; ++it) {
          one(Value::String(it->first), Value::String(it->second));
          iterated = true;
        }
      }
      break;
    case Kind::kAnyMap:
      if (v.any_map) {
        for (auto it = v.any_map->begin(); it != v.any_map->end() && !broke; ++it) {
          one(Value::String(it->first), it->second);
          iterated = true;
        }
      }
      break;
    case Kind::kSample:
      if (v.sample) Errorf("range can't iterate over " + GoPrintActionValue(v));
      break;  // a nil pointer reads as an empty range
    case Kind::kInvalid:
      break;
    default:
      Errorf("range can't iterate over " + GoSprint({v}));
  }
  if (!iterated && r->else_list) Walk(dot, r->else_list.get());
  Pop(outer_mark);
}

void State::WalkTemplate(const Value& dot, const Node* t) {
  At(t);
  auto it = set_.trees.find(t->text);
  if (it == set_.trees.end()) Errorf("template " + GoQuote(t->text) + " not defined");
  if (depth_ >= kMaxExecDepth) Errorf("exceeded maximum template depth (" + std::to_string(kMaxExecDepth) + ")");
  Value new_dot = EvalPipeline(dot, t->pipe.get());
  State inner(set_, t->text, funcs_);
  inner.depth_ = depth_ + 1;
  inner.Push("$", new_dot);
  inner.Walk(new_dot, it->second.get());
  out += inner.out;
}

Value State::EvalPipeline(const Value& dot, const Node* pipe) {
  if (pipe == nullptr) return Value{};
  At(pipe);
  Final value;  // missing
  for (const auto& cmd : pipe->nodes) value = EvalCommand(dot, cmd.get(), value);
  Value result = value.value_or(Value{});
  for (const auto& var : pipe->decl) {
    if (pipe->is_assign) {
      SetVar(var->ident[0], result);
    } else {
      Push(var->ident[0], result);
    }
  }
  return result;
}

void State::NotAFunction(const std::vector<NodePtr>& args, const Final& final) {
  if (args.size() > 1 || final) Errorf("can't give argument to non-function " + args[0]->String());
}

Value State::EvalCommand(const Value& dot, const Node* cmd, const Final& final) {
  const Node* first = cmd->nodes[0].get();
  switch (first->type) {
    case NodeType::kField: return EvalFieldNode(dot, first, &cmd->nodes, final);
    case NodeType::kChain: return EvalChainNode(dot, first, &cmd->nodes, final);
    case NodeType::kIdentifier: return EvalFunction(dot, first, cmd, &cmd->nodes, final);
    case NodeType::kPipe:
      NotAFunction(cmd->nodes, final);
      return EvalPipeline(dot, first);
    case NodeType::kVariable: return EvalVariableNode(dot, first, &cmd->nodes, final);
    default: break;
  }
  At(first);
  NotAFunction(cmd->nodes, final);
  switch (first->type) {
    case NodeType::kBool: return Value::Bool(first->boolean);
    case NodeType::kDot: return dot;
    case NodeType::kNil: Errorf("nil is not a command");
    case NodeType::kNumber: return IdealConstant(first);
    case NodeType::kString: return Value::String(first->str);
    default: break;
  }
  Errorf("can't evaluate command " + GoQuote(first->String()));
}

Value State::IdealConstant(const Node* constant) {
  At(constant);
  const NumberInfo& n = constant->number;
  if (n.is_float && !HasDigitsOnlySyntax(constant->text)) return Value::Float(n.float64);
  if (n.is_int) return Value::Int(n.int64);
  if (n.is_uint) Errorf(constant->text + " overflows int");
  return Value{};
}

Value State::EvalFieldNode(const Value& dot, const Node* field, const std::vector<NodePtr>* args,
                           const Final& final) {
  At(field);
  return EvalFieldChain(dot, dot, field, field->ident, 0, args, final);
}

Value State::EvalChainNode(const Value& dot, const Node* chain, const std::vector<NodePtr>* args,
                           const Final& final) {
  At(chain);
  if (chain->pipe->type == NodeType::kNil) Errorf("indirection through explicit nil in " + chain->String());
  Value pipe = EvalArg(dot, std::nullopt, chain->pipe.get());
  return EvalFieldChain(dot, pipe, chain, chain->ident, 0, args, final);
}

Value State::EvalVariableNode(const Value& dot, const Node* var, const std::vector<NodePtr>* args,
                              const Final& final) {
  At(var);
  Value v = VarValue(var->ident[0]);
  if (var->ident.size() == 1) {
    if (args != nullptr) NotAFunction(*args, final);
    return v;
  }
  return EvalFieldChain(dot, v, var, var->ident, 1, args, final);
}

Value State::EvalFieldChain(const Value& dot, Value receiver, const Node* node,
                            const std::vector<std::string>& ident, size_t from, const std::vector<NodePtr>* args,
                            const Final& final) {
  size_t n = ident.size();
  for (size_t i = from; i + 1 < n; ++i) receiver = EvalField(dot, ident[i], node, nullptr, std::nullopt, receiver);
  return EvalField(dot, ident[n - 1], node, args, final, receiver);
}

Value State::EvalFunction(const Value& dot, const Node* ident, const Node* cmd, const std::vector<NodePtr>* args,
                          const Final& final) {
  At(ident);
  for (const FuncMap* m : funcs_) {
    auto it = m->find(ident->text);
    if (it != m->end()) return EvalCall(dot, it->second, cmd, ident->text, args, final);
  }
  Errorf(GoQuote(ident->text) + " is not a defined function");
}

// time.Time's and time.Duration's methods that templates reach for.
Value State::CallTimeMethod(const Value& dot, const Value& receiver, const std::string& method, const Node* node,
                            const std::vector<NodePtr>* args, const Final& final, bool* found) {
  *found = true;
  Function fn;
  int64_t ns = receiver.i;
  if (receiver.kind == Kind::kTime) {
    auto floor_div = [](int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); };
    if (method == "Unix") {
      fn.body = [=](const std::vector<Value>&) -> Result<Value> { return Value::Int(floor_div(ns, 1000000000)); };
    } else if (method == "UnixMilli") {
      fn.body = [=](const std::vector<Value>&) -> Result<Value> { return Value::Int(floor_div(ns, 1000000)); };
    } else if (method == "UnixNano") {
      fn.body = [=](const std::vector<Value>&) -> Result<Value> { return Value::Int(ns); };
    } else if (method == "UTC") {
      fn.body = [=](const std::vector<Value>&) -> Result<Value> { return Value::Time(ns); };
    } else if (method == "String") {
      fn.body = [=](const std::vector<Value>&) -> Result<Value> { return Value::String(FormatGoTime(ns)); };
    } else {
      *found = false;
      return Value{};
    }
  } else {
    if (method == "Seconds") {
      fn.body = [=](const std::vector<Value>&) -> Result<Value> {
        return Value::Float(static_cast<double>(ns / 1000000000) + static_cast<double>(ns % 1000000000) / 1e9);
      };
    } else if (method == "String") {
      fn.body = [=](const std::vector<Value>&) -> Result<Value> { return Value::String(FormatGoDuration(ns)); };
    } else {
      *found = false;
      return Value{};
    }
  }
  return EvalCall(dot, fn, node, method, args, final);
}

Value State::EvalField(const Value& dot, const std::string& field, const Node* node,
                       const std::vector<NodePtr>* args, const Final& final, const Value& receiver) {
  if (!receiver.valid()) return Value{};  // missingkey=zero: a nil receiver yields nothing
  if (receiver.kind == Kind::kTime || receiver.kind == Kind::kDuration) {
    bool found = false;
    Value v = CallTimeMethod(dot, receiver, field, node, args, final, &found);
    if (found) return v;
  }
  bool has_args = (args != nullptr && args->size() > 1) || final.has_value();
  switch (receiver.kind) {
    case Kind::kAlertData: {
      Value v;
      const AlertData& a = *receiver.alert;
      if (field == "Labels") {
        v = Value::OfStringMap(std::make_shared<StringMap>(a.labels));
      } else if (field == "ExternalLabels") {
        v = Value::OfStringMap(std::make_shared<StringMap>(a.external_labels));
      } else if (field == "ExternalURL") {
        v = Value::String(a.external_url);
      } else if (field == "Value") {
        v = Value::Float(a.value);
      } else {
        break;
      }
      if (has_args) Errorf(field + " has arguments but cannot be invoked as function");
      return v;
    }
    case Kind::kSample: {
      if (field != "Labels" && field != "Value") break;
      if (receiver.sample == nullptr) Errorf("nil pointer evaluating " + receiver.TypeName() + "." + field);
      if (has_args) Errorf(field + " has arguments but cannot be invoked as function");
      if (field == "Labels") return Value::OfStringMap(std::make_shared<StringMap>(receiver.sample->labels));
      return Value::Float(receiver.sample->value);
    }
    case Kind::kStringMap: {
      if (has_args) Errorf(field + " is not a method but has arguments");
      if (receiver.string_map) {
        auto it = receiver.string_map->find(field);
        if (it != receiver.string_map->end()) return Value::String(it->second);
      }
      return Value::String("");
    }
    case Kind::kAnyMap: {
      if (has_args) Errorf(field + " is not a method but has arguments");
      if (receiver.any_map) {
        auto it = receiver.any_map->find(field);
        if (it != receiver.any_map->end()) return it->second;
      }
      return Value{};
    }
    default:
      break;
  }
  Errorf("can't evaluate field " + field + " in type " + receiver.TypeName());
}

Value State::EvalCall(const Value& dot, const Function& fn, const Node* node, const std::string& name,
                      const std::vector<NodePtr>* all_args, const Final& final) {
  std::vector<const Node*> args;
  if (all_args != nullptr) {
    for (size_t i = 1; i < all_args->size(); ++i) args.push_back((*all_args)[i].get());
  }
  size_t num_in = args.size() + (final ? 1 : 0);
  size_t num_params = fn.params.size();
  size_t num_fixed = args.size();
  if (fn.variadic) {
    num_fixed = num_params - 1;
    if (num_in < num_fixed) {
      Errorf("wrong number of args for " + name + ": want at least " + std::to_string(num_params - 1) + " got " +
             std::to_string(args.size()));
    }
  } else if (num_in != num_params) {
    Errorf("wrong number of args for " + name + ": want " + std::to_string(num_params) + " got " +
           std::to_string(num_in));
  }
  bool builtin_and_or = (name == "and" || name == "or") && fn.params.size() == 2 && fn.variadic &&
                        fn.params[0] == ParamType::kReflectValue;
  if (builtin_and_or) {  // short-circuit: stop at the first value that decides
    Value v;
    for (const Node* arg : args) {
      v = EvalArg(dot, ParamType::kReflectValue, arg);
      if (IsTrue(v) == (name == "or")) return v;
    }
    if (final) v = ValidateType(*final, ParamType::kReflectValue);
    return v;
  }
  std::vector<Value> argv;
  argv.reserve(num_in);
  size_t i = 0;
  for (; i < num_fixed && i < args.size(); ++i) argv.push_back(EvalArg(dot, fn.params[i], args[i]));
  if (fn.variadic) {
    for (; i < args.size(); ++i) argv.push_back(EvalArg(dot, fn.params.back(), args[i]));
  }
  if (final) {
    ParamType t = fn.params.back();
    if (fn.variadic && num_in - 1 < num_fixed) t = fn.params[num_in - 1];
    argv.push_back(ValidateType(*final, t));
  }
  Result<Value> r = fn.body(argv);
  if (!r.ok()) {
    At(node);
    Errorf("error calling " + name + ": " + r.status().message());
  }
  return std::move(r).value();
}

Value State::ValidateType(const Value& v, ParamType t) {
  if (!v.valid()) {
    if (CanBeNil(t)) return ZeroOf(t);
    Errorf(std::string("invalid value; expected ") + ParamTypeName(t));
  }
  if (!Assignable(v, t)) {
    Errorf(std::string("wrong type for value; expected ") + ParamTypeName(t) + "; got " + v.TypeName());
  }
  return v;
}

Value State::EvalArg(const Value& dot, std::optional<ParamType> t, const Node* n) {
  At(n);
  auto validate = [&](const Value& v) { return t ? ValidateType(v, *t) : v; };
  switch (n->type) {
    case NodeType::kDot: return validate(dot);
    case NodeType::kNil:
      if (t && CanBeNil(*t)) return ZeroOf(*t);
      Errorf(std::string("cannot assign nil to ") + (t ? ParamTypeName(*t) : "<nil>"));
    case NodeType::kField: return validate(EvalFieldNode(dot, n, nullptr, std::nullopt));
    case NodeType::kVariable: return validate(EvalVariableNode(dot, n, nullptr, std::nullopt));
    case NodeType::kPipe: return validate(EvalPipeline(dot, n));
    case NodeType::kIdentifier: return validate(EvalFunction(dot, n, n, nullptr, std::nullopt));
    case NodeType::kChain: return validate(EvalChainNode(dot, n, nullptr, std::nullopt));
    default: break;
  }
  ParamType type = t.value_or(ParamType::kAny);
  switch (type) {
    case ParamType::kBool:
      if (n->type == NodeType::kBool) return Value::Bool(n->boolean);
      Errorf("expected bool; found " + n->String());
    case ParamType::kFloat64:
      if (n->type == NodeType::kNumber && n->number.is_float) return Value::Float(n->number.float64);
      Errorf("expected float; found " + n->String());
    case ParamType::kInt:
      if (n->type == NodeType::kNumber && n->number.is_int) return Value::Int(n->number.int64);
      Errorf("expected integer; found " + n->String());
    case ParamType::kString:
      if (n->type == NodeType::kString) return Value::String(n->str);
      Errorf("expected string; found " + n->String());
    case ParamType::kAny: case ParamType::kReflectValue:
      return EvalEmptyInterface(dot, n);
    default:
      break;
  }
  Errorf("can't handle " + n->String() + " for arg of type " + ParamTypeName(type));
}

Value State::EvalEmptyInterface(const Value& dot, const Node* n) {
  At(n);
  switch (n->type) {
    case NodeType::kBool: return Value::Bool(n->boolean);
    case NodeType::kNumber: return IdealConstant(n);
    case NodeType::kString: return Value::String(n->str);
    default: break;
  }
  Errorf("can't handle assignment of " + n->String() + " to empty interface argument");
}

}  // namespace

Result<std::string> ExecuteTemplate(const TemplateSet& set, std::string_view name, const Value& dot,
                                    const std::vector<const FuncMap*>& funcs) {
  State state(set, std::string(name), funcs);
  state.Push("$", dot);
  try {
    auto it = set.trees.find(name);
    if (it == set.trees.end()) {
      return Status::Execution("template: " + std::string(name) + ": " + GoQuote(name) +
                               " is an incomplete or empty template");
    }
    state.Walk(dot, it->second.get());
  } catch (const ExecError& e) {
    return Status::Execution(e.message);
  }
  return std::move(state.out);
}

}  // namespace cairn::rules::tmpl
