#include "rules/template/builtins.h"


#include <cstdio>

#include "rules/template/go_fmt.h"
#include "util/go_quote.h"
#include "util/go_url.h"

namespace cairn::rules::tmpl {
namespace {

enum class BasicKind { kInvalid, kBool, kFloat, kInt, kString, kUint };

BasicKind BasicKindOf(const Value& v) {
  switch (v.kind) {
    case Kind::kBool: return BasicKind::kBool;
    case Kind::kInt: return BasicKind::kInt;
    case Kind::kUint8: return BasicKind::kUint;
    case Kind::kFloat: return BasicKind::kFloat;
    case Kind::kString: case Kind::kHTML: return BasicKind::kString;
    default: return BasicKind::kInvalid;
  }
}

Status Err(std::string m) { return Status::Execution(std::move(m)); }

const char* kBadComparisonType = "invalid type for comparison";
const char* kBadComparison = "incompatible types for comparison";
const char* kNoComparison = "missing argument for comparison";

const void* PointerOf(const Value& v) {
  switch (v.kind) {
    case Kind::kSample: return v.sample.get();
    case Kind::kSamples: return v.samples.get();
    case Kind::kStringMap: return v.string_map.get();
    case Kind::kAnyMap: return v.any_map.get();
    default: return nullptr;
  }
}

Result<bool> Eq(const Value& a1, const std::vector<Value>& rest) {
  if (rest.empty()) return Err(kNoComparison);
  BasicKind k1 = BasicKindOf(a1);
  for (const Value& a : rest) {
    BasicKind k2 = BasicKindOf(a);
    bool truth = false;
    if (k1 != k2) {
      if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
        truth = a1.i >= 0 && a1.i == a.i;
      } else if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
        truth = a.i >= 0 && a1.i == a.i;
      } else if (a1.valid() && a.valid()) {
        return Err(kBadComparison);
      }
    } else {
      switch (k1) {
        case BasicKind::kBool: truth = a1.b == a.b; break;
        case BasicKind::kFloat: truth = a1.f == a.f; break;
        case BasicKind::kInt: case BasicKind::kUint: truth = a1.i == a.i; break;
        case BasicKind::kString: truth = a1.s == a.s; break;
        case BasicKind::kInvalid: {
          // Maps, slices, pointers, structs and nil.
          bool nil1 = !a1.valid() || a1.IsNil(), nil2 = !a.valid() || a.IsNil();
          if (a1.valid() && a.valid() && a1.kind != a.kind) return Err(kBadComparison);
          if (nil1 || nil2) {
            truth = nil1 == nil2;
            break;
          }
          switch (a.kind) {
            case Kind::kStringMap: case Kind::kAnyMap: case Kind::kSamples: case Kind::kAlertData:
              return Err("non-comparable type " + GoPrintActionValue(a) + ": " + a.TypeName());
            case Kind::kTime: case Kind::kDuration:
              truth = &a1 == &a;
              break;
            default:
              truth = PointerOf(a1) == PointerOf(a);
          }
          break;
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

Result<bool> Lt(const Value& a1, const Value& a2) {
  BasicKind k1 = BasicKindOf(a1);
  if (k1 == BasicKind::kInvalid) return Err(kBadComparisonType);
  BasicKind k2 = BasicKindOf(a2);
  if (k2 == BasicKind::kInvalid) return Err(kBadComparisonType);
  if (k1 != k2) {
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) return a1.i < 0 || a1.i < a2.i;
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) return a2.i >= 0 && a1.i < a2.i;
    return Err(kBadComparison);
  }
  switch (k1) {
    case BasicKind::kBool: return Err(kBadComparisonType);
    case BasicKind::kFloat: return a1.f < a2.f;
    case BasicKind::kInt: case BasicKind::kUint: return a1.i < a2.i;
    case BasicKind::kString: return a1.s < a2.s;
    default: return Err(kBadComparisonType);
  }
}

// indexArg: an int index within [0, cap].
Result<int64_t> IndexArg(const Value& index, int64_t cap) {
  int64_t x;
  switch (index.kind) {
    case Kind::kInt: case Kind::kUint8: x = index.i; break;
    case Kind::kInvalid: return Err("cannot index slice/array with nil");
    default: return Err("cannot index slice/array with type " + index.TypeName());
  }
  if (x < 0 || x > cap) return Err("index out of range: " + std::to_string(x));
  return x;
}

Result<Value> Index(const std::vector<Value>& args) {
  Value item = args[0];
  if (!item.valid()) return Err("index of untyped nil");
  for (size_t k = 1; k < args.size(); ++k) {
    const Value& index = args[k];
    if (item.kind == Kind::kSample && item.sample == nullptr) return Err("index of nil pointer");
    switch (item.kind) {
      case Kind::kString: case Kind::kHTML: case Kind::kSamples: {
        int64_t len = item.Len();
        auto x = IndexArg(index, len);
        if (!x.ok()) return x.status();
        if (*x == len) {
          return Err(item.kind == Kind::kSamples ? "reflect: slice index out of range"
                                                 : "reflect: string index out of range");
        }
        if (item.kind == Kind::kSamples) {
          item = Value::OfSample((*item.samples)[static_cast<size_t>(*x)]);
        } else {
          Value byte;
          byte.kind = Kind::kUint8;
          byte.i = static_cast<unsigned char>(item.s[static_cast<size_t>(*x)]);
          item = byte;
        }
        break;
      }
      case Kind::kStringMap: case Kind::kAnyMap: {
        if (!index.valid()) return Err("value is nil; should be of type string");
        if (index.kind != Kind::kString) return Err("value has type " + index.TypeName() + "; should be string");
        if (item.kind == Kind::kStringMap) {
          std::string v;
          if (item.string_map) {
            auto it = item.string_map->find(index.s);
            if (it != item.string_map->end()) v = it->second;
          }
          item = Value::String(v);
        } else {
          Value v;
          if (item.any_map) {
            auto it = item.any_map->find(index.s);
            if (it != item.any_map->end()) v = it->second;
          }
          item = v;
          if (!item.valid() && k + 1 < args.size()) return Err("index of untyped nil");
        }
        break;
      }
      default:
        return Err("can't index item of type " + (item.kind == Kind::kSample ? std::string("template.sample")
                                                                             : item.TypeName()));
    }
  }
  return item;
}

Result<Value> Slice(const std::vector<Value>& args) {
  const Value& item = args[0];
  if (!item.valid()) return Err("slice of untyped nil");
  size_t nidx = args.size() - 1;
  if (nidx > 3) return Err("too many slice indexes: " + std::to_string(nidx));
  int64_t cap;
  switch (item.kind) {
    case Kind::kString: case Kind::kHTML:
      if (nidx == 3) return Err("cannot 3-index slice a string");
      cap = item.Len();
      break;
    case Kind::kSamples:
      cap = item.Len();
      break;
    default:
      return Err("can't slice item of type " + item.TypeName());
  }
  int64_t idx[3] = {0, item.Len(), 0};
  for (size_t k = 0; k < nidx; ++k) {
    auto x = IndexArg(args[k + 1], cap);
    if (!x.ok()) return x.status();
    idx[k] = *x;
  }
  if (idx[0] > idx[1]) return Err("invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1]));
  if (nidx == 3 && idx[1] > idx[2]) {
    return Err("invalid slice index: " + std::to_string(idx[1]) + " > " + std::to_string(idx[2]));
  }
  if (item.kind == Kind::kSamples) {
    auto out = std::make_shared<SampleList>();
    if (item.samples) {
      out->assign(item.samples->begin() + idx[0], item.samples->begin() + idx[1]);
    }
    return Value::OfSamples(out);
  }
  Value out = item;
  out.s = item.s.substr(static_cast<size_t>(idx[0]), static_cast<size_t>(idx[1] - idx[0]));
  return out;
}

Result<Value> Length(const Value& item) {
  if (item.kind == Kind::kSample) {
    if (item.sample == nullptr) return Err("len of nil pointer");
    return Err("len of type template.sample");
  }
  if (!item.valid()) return Err("reflect: call of reflect.Value.Type on zero Value");
  int64_t n = item.Len();
  if (n < 0) return Err("len of type " + item.TypeName());
  return Value::Int(n);
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out += c;
    }
  }
  return out;
}

bool IsPrintRune(uint32_t r) {
  std::string one;
  AppendUtf8(one, r);
  return GoQuoteRune(r) == "'" + one + "'" || r == '\'';
}

std::string JsEscape(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\': out += "\\\\"; continue;
        case '\'': out += "\\'"; continue;
        case '"': out += "\\\""; continue;
        case '<': out += "\\u003C"; continue;
        case '>': out += "\\u003E"; continue;
        case '&': out += "\\u0026"; continue;
        case '=': out += "\\u003D"; continue;
        default: break;
      }
      if (c < ' ') {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      } else {
        out += static_cast<char>(c);
      }
      continue;
    }
    size_t len = 0;
    uint32_t r = DecodeRune(s, i, len);
    if (IsPrintRune(r) && !(r == 0xFFFD && len == 1)) {
      out.append(s.substr(i, len));
    } else {
      char buf[16];
      std::snprintf(buf, sizeof(buf), "\\u%04X", r);
      out += buf;
    }
    i += len - 1;
  }
  return out;
}

}  // namespace

std::string EvalArgsString(const std::vector<Value>& args) {
  if (args.size() == 1 && args[0].kind == Kind::kString) return args[0].s;
  std::vector<Value> printable;
  for (const Value& a : args) {
    if (!a.valid()) {
      printable.push_back(Value::String("<no value>"));
    } else if (a.kind == Kind::kSample && a.sample != nullptr) {
      printable.push_back(Value::String(GoPrintActionValue(a)));  // the struct, printed as Sprint would
    } else {
      printable.push_back(a);
    }
  }
  return GoSprint(printable);
}

const FuncMap& Builtins() {
  static const FuncMap* kBuiltins = [] {
    using P = ParamType;
    auto* m = new FuncMap;
    const std::vector<P> value_variadic = {P::kReflectValue, P::kReflectValue};
    // The executor evaluates and/or lazily itself (exec.cc, as Go 1.18+ does);
    // these entries give them their signature and an eager equivalent.
    (*m)["and"] = {value_variadic, true, [](const std::vector<Value>& a) -> Result<Value> {
      for (const Value& v : a) {
        if (!IsTrue(v)) return v;
      }
      return a.back();
    }};
    (*m)["or"] = {value_variadic, true, [](const std::vector<Value>& a) -> Result<Value> {
      for (const Value& v : a) {
        if (IsTrue(v)) return v;
      }
      return a.back();
    }};
    (*m)["not"] = {{P::kReflectValue}, false,
                   [](const std::vector<Value>& a) -> Result<Value> { return Value::Bool(!IsTrue(a[0])); }};
    (*m)["len"] = {{P::kReflectValue}, false, [](const std::vector<Value>& a) { return Length(a[0]); }};
    (*m)["index"] = {value_variadic, true, Index};
    (*m)["slice"] = {value_variadic, true, Slice};
    (*m)["print"] = {{P::kAny}, true,
                     [](const std::vector<Value>& a) -> Result<Value> { return Value::String(GoSprint(a)); }};
    (*m)["println"] = {{P::kAny}, true,
                       [](const std::vector<Value>& a) -> Result<Value> { return Value::String(GoSprintln(a)); }};
    (*m)["printf"] = {{P::kString, P::kAny}, true, [](const std::vector<Value>& a) -> Result<Value> {
      return Value::String(GoSprintf(a[0].s, std::vector<Value>(a.begin() + 1, a.end())));
    }};
    (*m)["html"] = {{P::kAny}, true, [](const std::vector<Value>& a) -> Result<Value> {
      return Value::String(HtmlEscape(EvalArgsString(a)));
    }};
    (*m)["js"] = {{P::kAny}, true, [](const std::vector<Value>& a) -> Result<Value> {
      return Value::String(JsEscape(EvalArgsString(a)));
    }};
    (*m)["urlquery"] = {{P::kAny}, true, [](const std::vector<Value>& a) -> Result<Value> {
      return Value::String(GoQueryEscape(EvalArgsString(a)));
    }};
    (*m)["call"] = {value_variadic, true, [](const std::vector<Value>& a) -> Result<Value> {
      if (!a[0].valid()) return Err("call of nil");
      return Err("non-function of type " + a[0].TypeName());
    }};
    (*m)["eq"] = {value_variadic, true, [](const std::vector<Value>& a) -> Result<Value> {
      auto r = Eq(a[0], std::vector<Value>(a.begin() + 1, a.end()));
      if (!r.ok()) return r.status();
      return Value::Bool(*r);
    }};
    (*m)["ne"] = {{P::kReflectValue, P::kReflectValue}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto r = Eq(a[0], {a[1]});
      if (!r.ok()) return r.status();
      return Value::Bool(!*r);
    }};
    (*m)["lt"] = {{P::kReflectValue, P::kReflectValue}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto r = Lt(a[0], a[1]);
      if (!r.ok()) return r.status();
      return Value::Bool(*r);
    }};
    (*m)["le"] = {{P::kReflectValue, P::kReflectValue}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto r = Lt(a[0], a[1]);
      if (!r.ok()) return r.status();
      if (*r) return Value::Bool(true);
      auto e = Eq(a[0], {a[1]});
      if (!e.ok()) return e.status();
      return Value::Bool(*e);
    }};
    (*m)["gt"] = {{P::kReflectValue, P::kReflectValue}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto r = Lt(a[0], a[1]);
      if (!r.ok()) return r.status();
      if (*r) return Value::Bool(false);
      auto e = Eq(a[0], {a[1]});
      if (!e.ok()) return e.status();
      return Value::Bool(!*e);
    }};
    (*m)["ge"] = {{P::kReflectValue, P::kReflectValue}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto r = Lt(a[0], a[1]);
      if (!r.ok()) return r.status();
      return Value::Bool(!*r);
    }};
    return m;
  }();
  return *kBuiltins;
}

}  // namespace cairn::rules::tmpl
