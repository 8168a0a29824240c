// Rule files in Prometheus' format (model/rulefmt): groups of recording and
// alerting rules, read from YAML and checked the way Prometheus checks them.
//
// Parsing is strict like yaml.v3 with KnownFields: an unknown key fails the
// file. Validation reports every problem Prometheus reports, with its text
// and yaml positions (line:column, 1-based), each line prefixed with the file
// path: `rules.yml: 4:13: group "g", rule 1, "a{b}": braces present in the
// recording rule name; should it be in expr?: a{b}`. Expressions are checked
// with promql's parser, alert templates with rules/template's CheckTemplate.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/labels.h"
#include "util/status.h"

namespace cairn::rules {

// One rule as written: exactly one of `record` and `alert` is set.
struct RuleSpec {
  std::string record;
  std::string alert;
  std::string expr;
  int64_t for_ms = 0;              // alerting only
  int64_t keep_firing_for_ms = 0;  // alerting only
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;  // alerting only
};

struct RuleGroupSpec {
  std::string name;
  int64_t interval_ms = 0;  // 0 = the global evaluation_interval
  int limit = 0;            // 0 = no limit on series/alerts per rule
  std::optional<int64_t> query_offset_ms;  // unset = --rules.query-offset / rule_query_offset
  std::map<std::string, std::string> labels;  // added to every rule (rule labels win)
  std::vector<RuleSpec> rules;
};

struct RuleFile {
  std::string path;
  std::vector<RuleGroupSpec> groups;
};

// Parses and validates `text` as the rule file `path`. On failure returns
// InvalidArgument whose message holds every error, one per line, each
// prefixed with "<path>: " as promtool prints them. Only the first YAML
// document is read, as in Prometheus.
Result<RuleFile> ParseRuleFile(std::string_view path, std::string_view text,
                               storage::NameValidationScheme scheme = storage::NameValidationScheme::kUtf8);

// Reads `path` and parses it; a read failure reads like Go's
// "<path>: open <path>: no such file or directory".
Result<RuleFile> LoadRuleFile(const std::string& path,
                              storage::NameValidationScheme scheme = storage::NameValidationScheme::kUtf8);

}  // namespace cairn::rules
