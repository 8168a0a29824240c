// The YAML half of rule-file parsing: decodes the document the way yaml.v3
// decodes it into Prometheus' rulefmt structs, with its error texts
// ("yaml: unmarshal errors:\n  line 6: field annotation not found in type
// rulefmt.Rule"), and keeps the node positions validation reports.
// Internal to rule_file.cc. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/rule_file.h"

namespace cairn::rules::internal {

// yaml.Node's Line/Column (1-based); 0:0 when the key was absent.
struct YamlPos {
  int line = 0;
  int column = 0;
};

struct RulePositions {
  YamlPos record, alert, expr;
};
struct GroupPositions {
  YamlPos group;
  std::vector<RulePositions> rules;
};

struct DecodedRuleFile {
  std::vector<RuleGroupSpec> groups;
  std::vector<GroupPositions> positions;  // parallel to groups
};

// Decodes `text`; on failure fills `errors` with every message Prometheus'
// Parse collects before validation (the strict decode's, then the node
// decode's) and returns false.
bool DecodeRuleFile(std::string_view text, DecodedRuleFile* out, std::vector<std::string>* errors);

}  // namespace cairn::rules::internal
