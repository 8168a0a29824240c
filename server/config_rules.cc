#include "server/config_rules.h"

#include <glob.h>

#include <algorithm>

namespace cairn::server {

Result<std::vector<std::string>> ParseRuleFiles(const YAML::Node& list, std::string_view base_dir) {
  std::vector<std::string> out;
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) {
    return Status::InvalidArgument("line " + std::to_string(list.Mark().line + 1) + ": rule_files must be a list");
  }
  for (const auto& item : list) {
    if (!item.IsScalar()) {
      return Status::InvalidArgument("line " + std::to_string(item.Mark().line + 1) +
                                     ": rule_files entries must be strings");
    }
    std::string p = item.Scalar();
    // Prometheus' patRulePath: ^[^*]*(\*[^/]*)?$
    if (size_t star = p.find('*'); star != std::string::npos && p.find('/', star) != std::string::npos) {
      return Status::InvalidArgument("invalid rule file path \"" + p + "\"");
    }
    if (!base_dir.empty() && !p.empty() && p.front() != '/') p = std::string(base_dir) + "/" + p;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<std::string> ExpandRuleFiles(const std::vector<std::string>& patterns) {
  std::vector<std::string> files;
  for (const auto& pattern : patterns) {
    glob_t g{};
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace cairn::server
