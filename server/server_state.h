// ServerState: what the status endpoints and /metrics report about the server
// itself — start time, the current configuration and the outcome of the last
// (re)load, readiness, and the effective flags.
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "server/config.h"

namespace cairn::server {

class ServerState {
 public:
  ServerState(int64_t start_ms, std::map<std::string, std::string> flags)
      : start_ms_(start_ms), flags_(std::move(flags)) {}

  int64_t start_ms() const { return start_ms_; }
  const std::map<std::string, std::string>& flags() const { return flags_; }

  Config config() const {
    std::lock_guard<std::mutex> lock(mu_);
    return config_;
  }
  void ConfigLoaded(Config config, int64_t now_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    config_ = std::move(config);
    last_reload_ok_ = true;
    last_reload_success_ms_ = now_ms;
  }
  void ConfigLoadFailed() {
    std::lock_guard<std::mutex> lock(mu_);
    last_reload_ok_ = false;
  }
  bool last_reload_ok() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_reload_ok_;
  }
  int64_t last_reload_success_ms() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_reload_success_ms_;
  }

  // Ready once storage is open and the API serves; false again while stopping.
  bool ready() const { return ready_.load(); }
  void set_ready(bool r) { ready_.store(r); }

 private:
  const int64_t start_ms_;
  const std::map<std::string, std::string> flags_;
  mutable std::mutex mu_;
  Config config_;
  bool last_reload_ok_ = false;
  int64_t last_reload_success_ms_ = 0;
  std::atomic<bool> ready_{false};
};

}  // namespace cairn::server
