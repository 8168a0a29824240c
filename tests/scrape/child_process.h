// ChildProcess: starts a helper server (a Python script under testdata/) for
// a test, reads the port it prints as its first line, and stops it by PID
// when destroyed. Header-only test support.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace cairn::scrape::testing {

class ChildProcess {
 public:
  // Runs `argv` (argv[0] looked up in PATH). Throws when it cannot start or
  // does not print a line within 10 seconds.
  explicit ChildProcess(const std::vector<std::string>& argv) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_fd_ = out[0];
    first_line_ = ReadLine(10000);
    if (first_line_.empty()) {
      Stop();
      throw std::runtime_error("helper " + argv.back() + " printed nothing");
    }
  }
  ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  const std::string& first_line() const { return first_line_; }

 private:
  std::string ReadLine(int timeout_ms) {
    std::string line;
    char c;
    pollfd p{stdout_fd_, POLLIN, 0};
    while (::poll(&p, 1, timeout_ms) > 0 && ::read(stdout_fd_, &c, 1) == 1) {
      if (c == '\n') return line;
      line += c;
    }
    return line;
  }

  void Stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string first_line_;
};

}  // namespace cairn::scrape::testing
