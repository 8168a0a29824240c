#include "rules/rule_file_decode.h"

#include <yaml-cpp/yaml.h>

#include <climits>
#include <map>
#include <optional>

#include "util/duration.h"

namespace cairn::rules::internal {
namespace {

// The Go type names yaml.v3 reports, for the strict decode into RuleGroups
// and for the lenient decode into the node-keeping twin types.
struct TypeNames {
  const char* file;
  const char* groups;
  const char* group;
  const char* rules;
  const char* rule;
};
constexpr TypeNames kStrictTypes{"rulefmt.RuleGroups", "[]rulefmt.RuleGroup", "rulefmt.RuleGroup",
                                 "[]rulefmt.Rule", "rulefmt.Rule"};
constexpr TypeNames kNodeTypes{"rulefmt.ruleGroups", "[]rulefmt.RuleGroupNode", "rulefmt.RuleGroupNode",
                               "[]rulefmt.RuleNode", "rulefmt.RuleNode"};

YamlPos PosOf(const YAML::Node& n) { return {n.Mark().line + 1, n.Mark().column + 1}; }

bool AllOf(std::string_view s, bool (*ok)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}
bool IsDigitOrUnderscore(char c) { return (c >= '0' && c <= '9') || c == '_'; }
bool IsHexOrUnderscore(char c) { return IsDigitOrUnderscore(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string_view WithoutSign(std::string_view v) {
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  return v;
}

// YAML 1.2 core schema integers, as yaml.v3 resolves them (decimal, 0x, 0o, 0b).
bool IsYamlInt(std::string_view v) {
  v = WithoutSign(v);
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'o' || v[1] == 'b')) {
    return AllOf(v.substr(2), IsHexOrUnderscore);
  }
  return AllOf(v, IsDigitOrUnderscore) && v[0] != '_';
}

bool IsYamlFloat(std::string_view v) {
  if (v == ".nan" || v == ".NaN" || v == ".NAN") return true;
  v = WithoutSign(v);
  if (v == ".inf" || v == ".Inf" || v == ".INF") return true;
  size_t e = v.find_first_of("eE");
  std::string_view mant = v.substr(0, e);
  if (e != std::string_view::npos && !IsYamlInt(WithoutSign(v.substr(e + 1)))) return false;
  size_t dot = mant.find('.');
  if (dot == std::string_view::npos) return e != std::string_view::npos && AllOf(mant, IsDigitOrUnderscore);
  std::string_view whole = mant.substr(0, dot), frac = mant.substr(dot + 1);
  if (whole.empty() && frac.empty()) return false;
  return (whole.empty() || AllOf(whole, IsDigitOrUnderscore)) && (frac.empty() || AllOf(frac, IsDigitOrUnderscore));
}

// yaml.v3's resolved short tag of a node.
std::string ShortTag(const YAML::Node& n) {
  if (n.IsMap()) return "!!map";
  if (n.IsSequence()) return "!!seq";
  if (n.IsNull()) return "!!null";
  const std::string& tag = n.Tag();
  if (tag == "!") return "!!str";
  if (tag != "?" && !tag.empty()) {
    constexpr std::string_view kPrefix = "tag:yaml.org,2002:";
    if (tag.rfind(kPrefix, 0) == 0) return "!!" + tag.substr(kPrefix.size());
    return tag;
  }
  const std::string& v = n.Scalar();
  if (v == "true" || v == "True" || v == "TRUE" || v == "false" || v == "False" || v == "FALSE") return "!!bool";
  if (IsYamlInt(v)) return "!!int";
  if (IsYamlFloat(v)) return "!!float";
  return "!!str";
}

class Decoder {
 public:
  Decoder(bool strict, const TypeNames& types) : strict_(strict), types_(types) {}

  // Returns "" or the error this decode ends with.
  std::string Decode(const YAML::Node& doc, DecodedRuleFile* out) {
    Walk(doc, out);
    if (fatal_) return *fatal_;
    if (lines_.empty()) return "";
    std::string msg = "yaml: unmarshal errors:";
    for (const auto& l : lines_) msg += "\n  " + l;
    return msg;
  }

 private:
  void TypeError(const YAML::Node& n, const std::string& into) {
    std::string tag = ShortTag(n);
    std::string value;
    if (tag != "!!seq" && tag != "!!map") {
      const std::string& v = n.IsScalar() ? n.Scalar() : std::string();
      value = v.size() > 10 ? " `" + v.substr(0, 7) + "...`" : " `" + v + "`";
    }
    lines_.push_back("line " + std::to_string(n.Mark().line + 1) + ": cannot unmarshal " + tag + value + " into " +
                     into);
  }

  // Iterates a mapping, reporting duplicate keys as yaml.v3 does; calls
  // f(key, value) for the first occurrence of each key.
  template <typename F>
  void ForEachKey(const YAML::Node& m, F f) {
    std::map<std::string, int> seen;
    for (auto it = m.begin(); it != m.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
      int line = it->first.Mark().line + 1;
      auto [pos, fresh] = seen.emplace(key, line);
      if (!fresh) {
        lines_.push_back("line " + std::to_string(line) + ": mapping key \"" + key + "\" already defined at line " +
                         std::to_string(pos->second));
        continue;
      }
      f(key, it->first, it->second);
      if (fatal_) return;
    }
  }

  void Unknown(const YAML::Node& key_node, const std::string& key, const char* type) {
    if (strict_) {
      lines_.push_back("line " + std::to_string(key_node.Mark().line + 1) + ": field " + key +
                       " not found in type " + type);
    }
  }

  bool String(const YAML::Node& n, std::string* out) {
    if (n.IsNull()) {
      out->clear();
      return true;
    }
    if (!n.IsScalar()) {
      TypeError(n, "string");
      return false;
    }
    *out = n.Scalar();
    return true;
  }

  void Int(const YAML::Node& n, int* out) {
    if (n.IsNull()) return;
    if (ShortTag(n) != "!!int") return TypeError(n, "int");
    try {
      std::string v = n.Scalar();
      std::erase(v, '_');
      size_t used = 0;
      long long x = std::stoll(v, &used, 0);
      if (used != v.size() || x > INT_MAX || x < INT_MIN) return TypeError(n, "int");
      *out = static_cast<int>(x);
    } catch (const std::exception&) {
      TypeError(n, "int");
    }
  }

  // model.Duration: a string, then ParseDuration, whose error ends the decode.
  void Duration(const YAML::Node& n, std::optional<int64_t>* out) {
    if (n.IsNull()) return;
    std::string s;
    if (!String(n, &s)) return;
    auto d = ParseDurationMs(s);
    if (!d.ok()) {
      fatal_ = d.status().message();
      return;
    }
    *out = *d;
  }

  void StringMap(const YAML::Node& n, std::map<std::string, std::string>* out) {
    if (n.IsNull()) return;
    if (!n.IsMap()) return TypeError(n, "map[string]string");
    ForEachKey(n, [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
      std::string s;
      if (String(v, &s)) (*out)[key] = s;
    });
  }

  void Walk(const YAML::Node& doc, DecodedRuleFile* out) {
    if (!doc.IsDefined() || doc.IsNull()) return;
    if (!doc.IsMap()) return TypeError(doc, types_.file);
    ForEachKey(doc, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      if (key != "groups") return Unknown(k, key, types_.file);
      if (v.IsNull()) return;
      if (!v.IsSequence()) return TypeError(v, types_.groups);
      for (const auto& g : v) {
        out->groups.emplace_back();
        out->positions.emplace_back();
        Group(g, &out->groups.back(), &out->positions.back());
        if (fatal_) return;
      }
    });
  }

  void Group(const YAML::Node& n, RuleGroupSpec* g, GroupPositions* pos) {
    pos->group = PosOf(n);
    if (n.IsNull()) return;
    if (!n.IsMap()) return TypeError(n, types_.group);
    ForEachKey(n, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      if (key == "name") {
        String(v, &g->name);
      } else if (key == "interval") {
        std::optional<int64_t> d;
        Duration(v, &d);
        g->interval_ms = d.value_or(0);
      } else if (key == "query_offset") {
        Duration(v, &g->query_offset_ms);
      } else if (key == "limit") {
        Int(v, &g->limit);
      } else if (key == "labels") {
        StringMap(v, &g->labels);
      } else if (key == "rules") {
        if (v.IsNull()) return;
        if (!v.IsSequence()) return TypeError(v, types_.rules);
        for (const auto& r : v) {
          g->rules.emplace_back();
          pos->rules.emplace_back();
          Rule(r, &g->rules.back(), &pos->rules.back());
          if (fatal_) return;
        }
      } else {
        Unknown(k, key, types_.group);
      }
    });
  }

  void Rule(const YAML::Node& n, RuleSpec* r, RulePositions* pos) {
    if (n.IsNull()) return;
    if (!n.IsMap()) return TypeError(n, types_.rule);
    ForEachKey(n, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      // The node decode keeps record, alert and expr as yaml.Node: no type errors there.
      auto text_field = [&](std::string* field, YamlPos* p) {
        *p = PosOf(v);
        if (strict_) {
          String(v, field);
        } else if (v.IsScalar()) {
          *field = v.Scalar();
        }
      };
      if (key == "record") {
        text_field(&r->record, &pos->record);
      } else if (key == "alert") {
        text_field(&r->alert, &pos->alert);
      } else if (key == "expr") {
        text_field(&r->expr, &pos->expr);
      } else if (key == "for" || key == "keep_firing_for") {
        std::optional<int64_t> d;
        Duration(v, &d);
        (key == "for" ? r->for_ms : r->keep_firing_for_ms) = d.value_or(0);
      } else if (key == "labels") {
        StringMap(v, &r->labels);
      } else if (key == "annotations") {
        StringMap(v, &r->annotations);
      } else {
        Unknown(k, key, types_.rule);
      }
    });
  }

  const bool strict_;
  const TypeNames& types_;
  std::vector<std::string> lines_;
  std::optional<std::string> fatal_;
};

}  // namespace

bool DecodeRuleFile(std::string_view text, DecodedRuleFile* out, std::vector<std::string>* errors) {
  YAML::Node doc;
  try {
    // Only the first document is read, as upstream's yaml.Unmarshal does. Not
    // YAML::LoadAll: in yaml-cpp 0.7 it loops forever, allocating, on inputs such
    // as a leading "," (jbeder/yaml-cpp#1319, fixed after 0.8).
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    errors->push_back("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    return false;
  }
  DecodedRuleFile strict_out;
  std::string strict_err = Decoder(true, kStrictTypes).Decode(doc, &strict_out);
  if (!strict_err.empty()) errors->push_back(strict_err);
  DecodedRuleFile node_out;
  std::string node_err = Decoder(false, kNodeTypes).Decode(doc, &node_out);
  if (!node_err.empty()) errors->push_back(node_err);
  if (!errors->empty()) return false;
  out->groups = std::move(strict_out.groups);
  out->positions = std::move(node_out.positions);
  return true;
}

}  // namespace cairn::rules::internal
