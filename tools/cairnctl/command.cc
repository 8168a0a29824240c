#include "tools/cairnctl/command.h"

#include <iostream>

namespace cairn::cairnctl {

void OnRun(CLI::App* cmd, std::function<int()> action) {
  cmd->callback([action = std::move(action)] {
    int rc = action();
    // CLI11 carries a non-zero code out of App::parse as a RuntimeError, and
    // App::exit returns it without printing anything more.
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

void SetExamples(CLI::App* cmd, const std::string& examples) {
  std::string text = "\nExamples:\n";
  size_t start = 0;
  while (start < examples.size()) {
    size_t end = examples.find('\n', start);
    if (end == std::string::npos) end = examples.size();
    text += "  " + examples.substr(start, end - start) + "\n";
    start = end + 1;
  }
  cmd->footer(text);
}

int Fail(const std::string& message, int code) {
  std::cerr << "Error: " << message << "\n";
  return code;
}

}  // namespace cairn::cairnctl
