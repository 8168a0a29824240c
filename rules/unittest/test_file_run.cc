#include "rules/unittest/test_file_run.h"

#include <glob.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/unittest/test_file.h"
#include "rules/unittest/test_group_run.h"

namespace cairn::rules::unittest {

namespace {

// Rule files as promtool resolves them: relative to the test file's directory, each a glob
// pattern (a pattern matching nothing only warns).
std::vector<std::string> ResolveRuleFiles(const std::string& test_path, const std::vector<std::string>& patterns,
                                          std::ostream& err) {
  const std::filesystem::path base = std::filesystem::path(test_path).parent_path();
  std::vector<std::string> files;
  for (const std::string& p : patterns) {
    std::string pattern = p;
    if (!p.empty() && p[0] != '/') pattern = (base / p).lexically_normal().string();
    glob_t g{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (rc != 0 || g.gl_pathc == 0) err << "  WARNING: no file match pattern " << pattern << "\n";
    for (size_t i = 0; rc == 0 && i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
  }
  return files;
}

std::vector<std::string> RunFile(const std::string& path, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {"open " + path + ": " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  auto file = ParseTestFile(text.str());
  if (!file.ok()) return {file.status().message()};

  TestGroupContext ctx;
  ctx.rule_files = ResolveRuleFiles(path, file->rule_files, err);
  ctx.evaluation_interval_ms = file->evaluation_interval_ms;
  for (size_t i = 0; i < file->group_eval_order.size(); ++i) {
    const std::string& name = file->group_eval_order[i];
    if (!ctx.group_order.emplace(name, static_cast<int>(i)).second) {
      return {"group name repeated in evaluation order: " + name};
    }
  }
  std::vector<std::string> errs;
  for (const TestGroup& g : file->tests) {
    std::vector<std::string> e = RunTestGroup(g, ctx);
    errs.insert(errs.end(), e.begin(), e.end());
  }
  return errs;
}

}  // namespace

bool RunTestFile(const std::string& path, std::ostream& out, std::ostream& err) {
  out << "Unit Testing:  " << path << "\n" << std::flush;
  std::vector<std::string> errs = RunFile(path, err);
  if (errs.empty()) {
    out << "  SUCCESS\n\n";
    return true;
  }
  err << "  FAILED:\n";
  for (const std::string& e : errs) {
    err << e << "\n" << std::flush;
    out << "\n";
  }
  out << "\n";
  return false;
}

bool RunTestFiles(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
  bool ok = true;
  for (const std::string& p : paths) ok = RunTestFile(p, out, err) && ok;
  return ok;
}

}  // namespace cairn::rules::unittest
