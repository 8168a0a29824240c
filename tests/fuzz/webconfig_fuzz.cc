// libFuzzer target for --web.config.file: arbitrary bytes must never crash
// ParseWebConfig (yaml, strict keys, TLS checks, headers, bcrypt hash
// syntax), and a config that parses must be self-consistent. The same bytes
// go through the Authorization header parser of basic auth.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "webconfig/basic_auth.h"
#include "webconfig/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace cairn::webconfig;
  auto c = ParseWebConfig(in, "/etc/cairn");
  if (c.ok()) {
    if (c->tls.enabled() && c->tls.cert.empty() && c->tls.cert_file.empty()) __builtin_trap();
    if (c->tls.min_version > c->tls.max_version) __builtin_trap();
    for (const auto& [user, hash] : c->users) {
      if (!BcryptCost(hash).ok()) __builtin_trap();
    }
  }
  std::string user, password;
  if (ParseBasicAuthorization(in, &user, &password)) {
    if (user.find(':') != std::string::npos) __builtin_trap();
  }
  return 0;
}
