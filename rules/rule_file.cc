#include "rules/rule_file.h"

#include <fstream>
#include <set>
#include <sstream>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "promql/parser/parser.h"
#include "rules/rule_file_decode.h"
#include "rules/template/expander.h"
#include "util/go_quote.h"

namespace cairn::rules {
namespace {

using internal::YamlPos;

std::string Pos(const YamlPos& p) { return std::to_string(p.line) + ":" + std::to_string(p.column) + ": "; }

// One problem of one rule, as rulefmt.WrappedError: up to two positions.
struct RuleProblem {
  std::string message;
  std::optional<YamlPos> node;
  std::optional<YamlPos> node_alt;
};

bool IsValidMetricName(std::string_view name, storage::NameValidationScheme scheme) {
  if (scheme == storage::NameValidationScheme::kLegacy) return storage::IsLegacyMetricName(name);
  return !name.empty() && storage::IsValidUtf8(name);
}

std::vector<RuleProblem> ValidateRule(const RuleSpec& r, const internal::RulePositions& pos,
                                      storage::NameValidationScheme scheme) {
  std::vector<RuleProblem> out;
  if (!r.record.empty() && !r.alert.empty()) {
    out.push_back({"only one of 'record' and 'alert' must be set", pos.record, pos.alert});
  }
  if (r.record.empty() && r.alert.empty()) {
    out.push_back({"one of 'record' or 'alert' must be set", pos.record, pos.alert});
  }
  if (r.expr.empty()) {
    out.push_back({"field 'expr' must be set in rule", pos.expr, std::nullopt});
  } else if (auto e = promql::parser::ParseExpr(r.expr); !e.ok()) {
    out.push_back({"could not parse expression: " + e.status().message(), pos.expr, std::nullopt});
  }
  if (!r.record.empty()) {
    if (!r.annotations.empty()) out.push_back({"invalid field 'annotations' in recording rule", pos.record, {}});
    if (r.for_ms != 0) out.push_back({"invalid field 'for' in recording rule", pos.record, {}});
    if (r.keep_firing_for_ms != 0) {
      out.push_back({"invalid field 'keep_firing_for' in recording rule", pos.record, {}});
    }
    if (!IsValidMetricName(r.record, scheme)) {
      out.push_back({"invalid recording rule name: " + r.record, pos.record, {}});
    }
    // A common mistake: a PromQL selector written as the record name.
    if (r.record.find_first_of("{}") != std::string::npos) {
      out.push_back({"braces present in the recording rule name; should it be in expr?: " + r.record, pos.record, {}});
    }
  }
  for (const auto& [k, v] : r.labels) {
    if (!storage::IsValidLabelName(k, scheme) || k == storage::kMetricName) {
      out.push_back({"invalid label name: " + k, {}, {}});
    }
    if (!storage::IsValidUtf8(v)) out.push_back({"invalid label value: " + v, {}, {}});
  }
  for (const auto& [k, v] : r.annotations) {
    if (!storage::IsValidLabelName(k, scheme)) out.push_back({"invalid annotation name: " + k, {}, {}});
  }
  if (!r.alert.empty()) {
    const std::string name = "__alert_" + r.alert;
    for (const auto& [k, v] : r.labels) {
      if (Status s = tmpl::CheckTemplate(name, v); !s.ok()) {
        out.push_back({"label " + GoQuote(k) + ": " + s.message(), {}, {}});
      }
    }
    for (const auto& [k, v] : r.annotations) {
      if (Status s = tmpl::CheckTemplate(name, v); !s.ok()) {
        out.push_back({"annotation " + GoQuote(k) + ": " + s.message(), {}, {}});
      }
    }
  }
  return out;
}

std::vector<std::string> Validate(const internal::DecodedRuleFile& f, storage::NameValidationScheme scheme) {
  std::vector<std::string> errs;
  std::set<std::string> names;
  for (size_t j = 0; j < f.groups.size(); ++j) {
    const RuleGroupSpec& g = f.groups[j];
    const internal::GroupPositions& gp = f.positions[j];
    if (g.name.empty()) errs.push_back(Pos(gp.group) + "Groupname must not be empty");
    if (!names.insert(g.name).second) {
      errs.push_back(Pos(gp.group) + "groupname: \"" + g.name + "\" is repeated in the same file");
    }
    for (const auto& [k, v] : g.labels) {
      if (!storage::IsValidLabelName(k, scheme) || k == storage::kMetricName) {
        errs.push_back("invalid label name: " + k);
      }
      if (!storage::IsValidUtf8(v)) errs.push_back("invalid label value: " + v);
    }
    for (size_t i = 0; i < g.rules.size(); ++i) {
      const RuleSpec& r = g.rules[i];
      const std::string rule_name = r.alert.empty() ? r.record : r.alert;
      for (const RuleProblem& p : ValidateRule(r, gp.rules[i], scheme)) {
        std::string e;
        if (p.node) e += Pos(*p.node);
        if (p.node_alt) e += Pos(*p.node_alt);
        e += "group " + GoQuote(g.name) + ", rule " + std::to_string(i + 1) + ", " + GoQuote(rule_name) + ": " +
             p.message;
        errs.push_back(std::move(e));
      }
    }
  }
  return errs;
}

Status FileErrors(std::string_view path, const std::vector<std::string>& errs) {
  std::string msg;
  for (const auto& e : errs) {
    if (!msg.empty()) msg += "\n";
    msg.append(path);
    msg += ": " + e;
  }
  return Status::InvalidArgument(std::move(msg));
}

}  // namespace

Result<RuleFile> ParseRuleFile(std::string_view path, std::string_view text, storage::NameValidationScheme scheme) {
  internal::DecodedRuleFile decoded;
  std::vector<std::string> errs;
  if (!internal::DecodeRuleFile(text, &decoded, &errs)) return FileErrors(path, errs);
  errs = Validate(decoded, scheme);
  if (!errs.empty()) return FileErrors(path, errs);
  RuleFile f;
  f.path = std::string(path);
  f.groups = std::move(decoded.groups);
  return f;
}

Result<RuleFile> LoadRuleFile(const std::string& path, storage::NameValidationScheme scheme) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string why = errno == ENOENT ? "no such file or directory" : std::strerror(errno);
    if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));  // Go's lower-case errno text
    return Status::InvalidArgument(path + ": open " + path + ": " + why);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseRuleFile(path, ss.str(), scheme);
}

}  // namespace cairn::rules
