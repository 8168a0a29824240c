// The live web config of `--web.config.file`: loaded and fully checked at
// start (a bad file, a missing certificate or a key that does not match is
// refused then), and re-read when it changes, as the exporter-toolkit
// re-reads it on every request and handshake. Instead of parsing each time,
// Current() compares the stat (inode, size, mtime) of the file and of the
// certificate, key and CA files it names, and rebuilds only on a change.
//
// Whether the listener speaks TLS is decided at start (as upstream decides
// between Serve and ServeTLS); later changes adjust users, headers and the
// TLS parameters. A file that turns bad is not silently ignored: Current()
// gives its error until the file is fixed (upstream answers 500 then).
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "util/status.h"
#include "webconfig/basic_auth.h"
#include "webconfig/web_config.h"

namespace boost::asio::ssl {
class context;
}

namespace cairn::webconfig {

struct LoadedWebConfig {
  WebConfig config;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null when TLS is off
};

class WebConfigSource {
 public:
  // Loads and checks `path`; the error names the file.
  static Result<std::unique_ptr<WebConfigSource>> Open(const std::string& path);

  // The config as of now, re-read if a file changed since the last call.
  Result<std::shared_ptr<const LoadedWebConfig>> Current();

  bool tls_enabled() const { return tls_enabled_; }
  const std::string& path() const { return path_; }
  BasicAuthChecker& auth() { return auth_; }

 private:
  explicit WebConfigSource(std::string path) : path_(std::move(path)) {}
  // What identifies one version of the files.
  std::string Stamp(const WebConfig* config) const;
  Result<std::shared_ptr<const LoadedWebConfig>> Load() const;

  const std::string path_;
  bool tls_enabled_ = false;
  BasicAuthChecker auth_;
  std::mutex mu_;
  std::string stamp_;
  std::shared_ptr<const LoadedWebConfig> current_;
  Status error_;  // of the file as stamped, when it is bad
};

}  // namespace cairn::webconfig
