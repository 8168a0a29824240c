// cairn_power_cut_server: the cairn server on a FaultFileSystem
// (tests/storage/fault_fs.h), for tests/integration/power_cut.py. Same flags
// as cairn. On SIGUSR1 it cuts its own power: the file system freezes (no
// write or sync reaches the disk from then on), every file is put back to
// what was synced — as after a real power cut — and the process exits at once
// with status 0, without shutting anything down. SIGTERM/SIGINT stop it
// normally.
//
// CAIRN_POWER_CUT_IGNORE_SYNCS=<substring>: syncs of files whose path holds
// it do nothing (FaultFileSystem::IgnoreFileSyncs), for the test's own teeth.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "server/flags.h"
#include "server/server.h"
#include "tests/storage/fault_fs.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = cairn::server::ParseFlags(args);
  if (!parsed.ok() || parsed->action != cairn::server::FlagsOutcome::Action::kRun) {
    std::fprintf(stderr, "cairn_power_cut_server: bad flags\n");
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto fault = std::make_shared<cairn::storage::testing::FaultFileSystem>();
  if (const char* ignore = std::getenv("CAIRN_POWER_CUT_IGNORE_SYNCS"); ignore != nullptr && *ignore != '\0') {
    fault->IgnoreFileSyncs(ignore);
  }
  cairn::server::ServerOptions options;
  options.flags = parsed->flags;
  options.storage_fs = fault;
  auto server = cairn::server::BuildServer(std::move(options));
  if (!server.ok()) {
    std::fprintf(stderr, "cairn_power_cut_server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  cairn::Status st = (*server)->Start();
  if (!st.ok()) {
    std::fprintf(stderr, "cairn_power_cut_server: start: %s\n", st.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "cairn: listening on %s (port %u), data in %s\n", parsed->flags.listen_address.c_str(),
               (*server)->http_port(), parsed->flags.tsdb_path.c_str());
  int sig = 0;
  while (sigwait(&signals, &sig) != 0) {
  }
  if (sig == SIGUSR1) {
    fault->Freeze();
    const uint64_t ops = fault->ops();
    st = fault->PowerCut(/*thaw=*/false);
    std::fprintf(stderr, "cairn_power_cut_server: power cut after %llu file-system operations: %s\n",
                 static_cast<unsigned long long>(ops), st.ToString().c_str());
    std::fflush(stderr);
    ::_exit(st.ok() ? 0 : 3);
  }
  (*server)->Stop();
  return 0;
}
