// The rule sections of prometheus.yml: `rule_files` (glob patterns, relative
// ones taken from the config file's directory as Prometheus' SetDirectory
// does) and their expansion into the files the rule manager loads.
// Thread-safety: pure functions (ExpandRuleFiles reads the filesystem).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "util/status.h"

namespace cairn::server {

// Reads `rule_files` (a list of strings; null is none). A `*` may only
// appear in the last path segment: else `invalid rule file path "<p>"`.
Result<std::vector<std::string>> ParseRuleFiles(const YAML::Node& list, std::string_view base_dir);

// The files the patterns match (filepath.Glob: a pattern matching nothing is
// no error), sorted, each once.
std::vector<std::string> ExpandRuleFiles(const std::vector<std::string>& patterns);

}  // namespace cairn::server
