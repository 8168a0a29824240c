// Basic authentication against the web config's bcrypt hashes, as the
// exporter-toolkit's webHandler does it:
//  - an unknown user is checked against a dummy hash of the same cost as the
//    configured ones, so the answer takes as long as for a known user;
//  - bcrypt's result is compared in constant time;
//  - outcomes are cached by (user, hash, password) so that a client repeating
//    its request does not cost a bcrypt run each time (bcrypt is slow on
//    purpose; without the cache it is a denial of service). The cache keys
//    are SHA-256 digests, so no password is kept in memory;
//  - bcrypt runs one at a time (upstream's bcryptMtx), so a flood of wrong
//    passwords occupies one core, not all;
//  - a caller serving many connections on few threads (the server's HTTP
//    I/O threads) bounds how many of them may wait for bcrypt at once, so a
//    flood of uncached passwords cannot take every thread: past the bound
//    the answer is kBusy at once (upstream's goroutines never starve each
//    other; threads do).
// Thread-safety: Check() may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/status.h"

namespace cairn::webconfig {

// True when `password` matches the bcrypt `hash` (libxcrypt's crypt_rn,
// which knows $2a$, $2b$ and $2y$). A password with a NUL byte never matches.
bool BcryptMatches(std::string_view hash, std::string_view password);
// A new bcrypt ($2b$) hash of `password` at `cost` (4..31).
Result<std::string> BcryptHash(std::string_view password, int cost);

// Splits an Authorization header "Basic base64(user:password)"; false when
// it is not one (Go's Request.BasicAuth).
bool ParseBasicAuthorization(std::string_view header, std::string* user, std::string* password);

class BasicAuthChecker {
 public:
  enum class Verdict { kAllowed, kDenied, kBusy };
  // Whether `authorization` (the header's value, maybe empty) names one of
  // `users` with its password. kBusy (only with max_waiting > 0): the
  // answer needs bcrypt and max_waiting callers already wait for it.
  Verdict Decide(const std::map<std::string, std::string>& users, std::string_view authorization,
                 int max_waiting = 0);
  // Decide() without a bound: waits its turn for bcrypt.
  bool Check(const std::map<std::string, std::string>& users, std::string_view authorization) {
    return Decide(users, authorization) == Verdict::kAllowed;
  }

  static constexpr size_t kCacheSize = 100;  // upstream's cacheSize

 private:
  const std::string& DummyHash(int cost);

  std::mutex cache_mu_;
  std::unordered_map<std::string, bool> cache_;  // digest -> outcome
  uint64_t evict_seed_ = 0x9e3779b97f4a7c15ull;
  std::atomic<int> waiting_{0};  // callers inside the bcrypt section
  std::mutex bcrypt_mu_;  // also guards dummy_
  std::map<int, std::string> dummy_;  // cost -> hash of a password nobody has
};

}  // namespace cairn::webconfig
