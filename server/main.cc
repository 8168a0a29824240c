// cairn: parses flags, builds the server, and turns signals into lifecycle
// calls (SIGHUP reloads the configuration, SIGTERM/SIGINT stop gracefully).
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "server/build_info.h"
#include "server/flags.h"
#include "server/server.h"

int main(int argc, char** argv) {
  using cairn::server::FlagsOutcome;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = cairn::server::ParseFlags(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "cairn: error: %s, try --help\n", parsed.status().message().c_str());
    return 2;
  }
  for (const auto& name : parsed->flags.unknown_features) {
    std::fprintf(stderr, "cairn: warning: unknown option for --enable-feature: %s\n", name.c_str());
  }
  // Prometheus refuses flags of the other mode with exit code 3, listing
  // them as Go's %q prints a string slice.
  auto refuse = [](const char* what, const std::vector<std::string>& names) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "\"" : " \"") + n + "\"";
    std::fprintf(stderr, "The following flag(s) %s: [%s]\n", what, list.c_str());
    return 3;
  };
  if (parsed->action == FlagsOutcome::Action::kRun && parsed->flags.agent &&
      !parsed->flags.server_only_flags_set.empty()) {
    return refuse("can not be used in agent mode", parsed->flags.server_only_flags_set);
  }
  if (parsed->action == FlagsOutcome::Action::kRun && !parsed->flags.agent &&
      !parsed->flags.agent_only_flags_set.empty()) {
    return refuse("can only be used in agent mode", parsed->flags.agent_only_flags_set);
  }
  if (parsed->action == FlagsOutcome::Action::kHelp) {
    std::fputs(cairn::server::FlagsHelp().c_str(), stdout);
    return 0;
  }
  if (parsed->action == FlagsOutcome::Action::kVersion) {
    const auto& b = cairn::server::GetBuildInfo();
    std::printf("cairn, version %s (revision: %s, branch: %s)\n  build date: %s\n  compiler: %s\n",
                b.version.c_str(), b.revision.c_str(), b.branch.c_str(), b.build_date.c_str(), b.compiler.c_str());
    return 0;
  }

  // Block the lifecycle signals before any thread starts so that only the
  // sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  cairn::server::ServerOptions options;
  options.flags = parsed->flags;
  auto server = cairn::server::BuildServer(std::move(options));
  if (!server.ok()) {
    std::fprintf(stderr, "cairn: error loading config (--config.file=%s): %s\n", parsed->flags.config_file.c_str(),
                 server.status().message().c_str());
    return 1;
  }
  cairn::Status st = (*server)->Start();
  if (!st.ok()) {
    std::fprintf(stderr, "cairn: error starting: %s\n", st.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "cairn: listening on %s (port %u), data in %s%s\n",
               parsed->flags.listen_address.c_str(), (*server)->http_port(),
               (parsed->flags.agent ? parsed->flags.agent_path : parsed->flags.tsdb_path).c_str(),
               parsed->flags.agent ? " (agent mode)" : "");
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      cairn::Status r = (*server)->Reload();
      std::fprintf(stderr, "cairn: reload: %s\n", r.ok() ? "ok" : r.message().c_str());
      continue;
    }
    break;
  }
  std::fprintf(stderr, "cairn: shutting down\n");
  (*server)->Stop();
  return 0;
}
