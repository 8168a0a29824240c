// cairnctl: Cairn's admin CLI. main() only builds the command tree and runs
// it; each command group registers itself (see command.h for the pattern).
#include <CLI/CLI.hpp>

#include <iostream>

#include "tools/cairnctl/admin_commands.h"
#include "tools/cairnctl/cardinality_commands.h"
#include "tools/cairnctl/check_commands.h"
#include "tools/cairnctl/command.h"
#include "tools/cairnctl/completion_commands.h"
#include "tools/cairnctl/export_commands.h"
#include "tools/cairnctl/import_commands.h"
#include "tools/cairnctl/output.h"
#include "tools/cairnctl/query_commands.h"
#include "tools/cairnctl/server_commands.h"
#include "tools/cairnctl/time_arg.h"
#include "tools/cairnctl/tsdb_commands.h"

namespace cairnctl = cairn::cairnctl;

int main(int argc, char** argv) {
  CLI::App app{"cairnctl: query, check, import/export and administer a Cairn (or Prometheus) server"};
  app.name("cairnctl");
  app.require_subcommand(1);
  // Global options may also follow the command name ("cairnctl query up --url ...").
  app.fallthrough();
  app.set_version_flag("--version", std::string("cairnctl ") + CAIRN_VERSION);

  cairnctl::GlobalOptions g;
  app.add_option("--url", g.url, "The server's HTTP API base URL")->capture_default_str();
  app.add_option_function<std::string>(
         "--timeout",
         [&g](const std::string& text) {
           auto d = cairnctl::ParseDurationArg(text);
           if (!d.ok() || *d <= 0) throw CLI::ValidationError("--timeout", "want a positive duration, e.g. 30s");
           g.timeout = std::chrono::milliseconds(*d);
         },
         "Timeout of each HTTP request (default 1m)")
      ->type_name("DURATION");
  app.add_option_function<std::string>(
         "-o,--output",
         [&g](const std::string& text) {
           if (!cairnctl::ParseOutputFormat(text, &g.output)) {
             throw CLI::ValidationError("--output", "want table, json or csv");
           }
         },
         "Output format: table, json or csv (default table)")
      ->type_name("FORMAT");

  // One line per command group.
  cairnctl::RegisterQueryCommands(app, g);
  cairnctl::RegisterServerCommands(app, g);
  cairnctl::RegisterAdminCommands(app, g);
  cairnctl::RegisterTsdbCommands(app, g);
  cairnctl::RegisterCardinalityCommands(app, g);
  cairnctl::RegisterImportCommands(app, g);
  cairnctl::RegisterExportCommands(app, g);
  cairnctl::RegisterCheckCommands(app, g);
  cairnctl::RegisterCompletionCommands(app, g);

  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own non-zero exit code
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // --help and --version exit 0; every usage error is promtool's 2.
    return rc == 0 ? 0 : cairnctl::ExitCode::kUsage;
  }
  return cairnctl::ExitCode::kOk;
}
