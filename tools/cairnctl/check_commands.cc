#include "tools/cairnctl/check_commands.h"

#include <sys/stat.h>

#include <iostream>
#include <iterator>
#include <memory>

#include "rules/rule_file.h"
#include "rules/unittest/test_file_run.h"
#include "server/config.h"
#include "server/config_rules.h"
#include "tools/cairnctl/metrics_lint.h"

namespace cairn::cairnctl {

namespace {

// promtool's exit code for lint findings (cmd/promtool: lintErrExitCode).
constexpr int kLintProblems = 3;

// Files given on the command line must exist (promtool's kingpin check):
// else a usage error.
bool AllExist(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    struct stat st;
    if (::stat(f.c_str(), &st) != 0) {
      Fail("path '" + f + "' does not exist", ExitCode::kUsage);
      return false;
    }
  }
  return true;
}

// One rule file: "Checking <f>", then SUCCESS with the rule count or FAILED
// with every error. Returns false on failure.
bool CheckRuleFile(const std::string& path) {
  std::cout << "Checking " << path << "\n";
  auto file = rules::LoadRuleFile(path);
  if (!file.ok()) {
    std::cout.flush();
    std::cerr << "  FAILED:\n" << file.status().message() << "\n";
    std::cout << "\n";
    return false;
  }
  size_t n = 0;
  for (const auto& g : file->groups) n += g.rules.size();
  std::cout << "  SUCCESS: " << n << " rules found\n\n";
  return true;
}

int CheckRules(const std::vector<std::string>& files) {
  if (!AllExist(files)) return ExitCode::kUsage;
  bool ok = true;
  for (const auto& f : files) ok = CheckRuleFile(f) && ok;
  return ok ? ExitCode::kOk : ExitCode::kFailure;
}

int CheckConfig(const std::vector<std::string>& files, bool syntax_only) {
  if (!AllExist(files)) return ExitCode::kUsage;
  bool ok = true;
  for (const auto& f : files) {
    std::cout << "Checking " << f << "\n";
    auto cfg = server::LoadConfigFile(f);
    if (!cfg.ok()) {
      std::cout.flush();
      std::cerr << "  FAILED: " << cfg.status().message() << "\n";
      std::cout << "\n";
      ok = false;
      continue;
    }
    std::vector<std::string> rule_files;
    if (!syntax_only) {
      rule_files = server::ExpandRuleFiles(cfg->rule_files);
      std::cout << "  SUCCESS: " << rule_files.size() << " rule files found\n";
    }
    std::cout << " SUCCESS: " << f << " is valid prometheus config file syntax\n\n";
    for (const auto& r : rule_files) ok = CheckRuleFile(r) && ok;
  }
  return ok ? ExitCode::kOk : ExitCode::kFailure;
}

int CheckMetrics() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  auto problems = LintExposition(text);
  if (!problems.ok()) return Fail("error while linting: " + problems.status().message());
  for (const auto& p : *problems) std::cerr << p.metric << " " << p.text << "\n";
  return problems->empty() ? ExitCode::kOk : kLintProblems;
}

}  // namespace

void RegisterCheckCommands(CLI::App& root, const GlobalOptions& g) {
  auto* check = root.add_subcommand("check", "Check configuration, rule files and expositions (as promtool check)");
  check->require_subcommand(1);

  struct Args {
    std::vector<std::string> files;
    bool syntax_only = false;
  };
  auto config_args = std::make_shared<Args>();
  auto* config = check->add_subcommand("config", "Check prometheus.yml files and the rule files they name");
  config->add_option("files", config_args->files, "Configuration files")->required();
  config->add_flag("--syntax-only", config_args->syntax_only, "Only check the syntax, not the rule files");
  SetExamples(config, "cairnctl check config /etc/cairn/prometheus.yml");
  OnRun(config, [config_args] { return CheckConfig(config_args->files, config_args->syntax_only); });

  auto rules_args = std::make_shared<Args>();
  auto* rules = check->add_subcommand("rules", "Check rule files");
  rules->add_option("files", rules_args->files, "Rule files")->required();
  SetExamples(rules, "cairnctl check rules rules/*.yml");
  OnRun(rules, [rules_args] { return CheckRules(rules_args->files); });

  auto* metrics = check->add_subcommand("metrics", "Lint a text-format exposition read from stdin");
  SetExamples(metrics, "curl -s http://localhost:9100/metrics | cairnctl check metrics");
  OnRun(metrics, [] { return CheckMetrics(); });

  auto* test = root.add_subcommand("test", "Run unit tests (as promtool test)");
  test->require_subcommand(1);
  auto test_args = std::make_shared<Args>();
  auto* test_rules = test->add_subcommand("rules", "Run rule unit tests in promtool's test file format");
  test_rules->add_option("files", test_args->files, "Test files")->required();
  SetExamples(test_rules, "cairnctl test rules tests/alerts_test.yml");
  OnRun(test_rules, [test_args] {
    if (!AllExist(test_args->files)) return ExitCode::kUsage;
    return rules::unittest::RunTestFiles(test_args->files, std::cout, std::cerr) ? ExitCode::kOk : ExitCode::kFailure;
  });
  (void)g;
}

}  // namespace cairn::cairnctl
