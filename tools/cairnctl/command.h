// The frame every cairnctl command group plugs into.
//
// A group lives in tools/cairnctl/<group>_commands.{h,cc} and exposes one
// function, called once from main.cc:
//
//   void Register<Group>Commands(CLI::App& root, const GlobalOptions& g);
//
// It adds its subcommands to `root` and gives each an action with OnRun().
// `g` is filled in by CLI11 while parsing, so actions read it when they run
// (capture it by reference, never copy it at registration time). Actions
// return the process exit code (ExitCode below) and print their own errors
// on stderr, prefixed "Error: ", as promtool does.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace cairn::cairnctl {

enum class OutputFormat { kTable, kJson, kCsv };

// Options that apply to every command (given before or after the command
// name). Filled by CLI11 when the command line is parsed.
struct GlobalOptions {
  std::string url = "http://localhost:9090";  // --url: the server's HTTP API
  std::chrono::milliseconds timeout{60000};   // --timeout: each HTTP request
  OutputFormat output = OutputFormat::kTable; // --output table|json|csv
};

// promtool's exit codes: 0 fine, 1 findings or a failed operation, 2 bad
// usage or unreadable input; 130 when interrupted by Ctrl-C (the shell's
// convention for SIGINT).
namespace ExitCode {
inline constexpr int kOk = 0;
inline constexpr int kFailure = 1;
inline constexpr int kUsage = 2;
inline constexpr int kInterrupted = 130;
}  // namespace ExitCode

// Makes `action` what `cmd` does; its return value becomes the exit code.
void OnRun(CLI::App* cmd, std::function<int()> action);

// Adds an "Examples:" block to `cmd`'s --help (one example per line).
void SetExamples(CLI::App* cmd, const std::string& examples);

// Prints "Error: <message>" on stderr and returns `code`.
int Fail(const std::string& message, int code = ExitCode::kFailure);

}  // namespace cairn::cairnctl
