#include "webconfig/web_config_source.h"

#include <sys/stat.h>

#include <boost/asio/ssl/context.hpp>

#include "webconfig/tls_context.h"

namespace cairn::webconfig {

std::string WebConfigSource::Stamp(const WebConfig* config) const {
  std::string stamp;
  auto add = [&stamp](const std::string& file) {
    struct stat st {};
    if (file.empty()) return;
    if (::stat(file.c_str(), &st) != 0) {
      stamp += "missing;";
      return;
    }
    stamp += std::to_string(st.st_dev) + ':' + std::to_string(st.st_ino) + ':' + std::to_string(st.st_size) + ':' +
             std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec) + ';';
  };
  add(path_);
  if (config != nullptr) {
    add(config->tls.cert_file);
    add(config->tls.key_file);
    add(config->tls.client_ca_file);
  }
  return stamp;
}

Result<std::shared_ptr<const LoadedWebConfig>> WebConfigSource::Load() const {
  auto loaded = std::make_shared<LoadedWebConfig>();
  CAIRN_ASSIGN_OR_RETURN(loaded->config, LoadWebConfig(path_));
  if (loaded->config.tls.enabled()) {
    Result<std::shared_ptr<boost::asio::ssl::context>> ctx = BuildTlsContext(loaded->config.tls);
    if (!ctx.ok()) return ctx.status().WithContext(path_);
    loaded->tls = std::move(*ctx);
  }
  return std::shared_ptr<const LoadedWebConfig>(std::move(loaded));
}

Result<std::unique_ptr<WebConfigSource>> WebConfigSource::Open(const std::string& path) {
  std::unique_ptr<WebConfigSource> s(new WebConfigSource(path));
  std::shared_ptr<const LoadedWebConfig> loaded;
  CAIRN_ASSIGN_OR_RETURN(loaded, s->Load());
  s->tls_enabled_ = loaded->tls != nullptr;
  s->stamp_ = s->Stamp(&loaded->config);
  s->current_ = std::move(loaded);
  return s;
}

Result<std::shared_ptr<const LoadedWebConfig>> WebConfigSource::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  // The files the last good version named; a changed file list shows up
  // through the config file's own stamp.
  std::string now = Stamp(&current_->config);
  if (now == stamp_) {
    if (!error_.ok()) return error_;
    return current_;
  }
  stamp_ = now;
  Result<std::shared_ptr<const LoadedWebConfig>> loaded = Load();
  if (!loaded.ok()) {
    error_ = loaded.status();
    return error_;
  }
  if (tls_enabled_ && (*loaded)->tls == nullptr) {
    error_ = Status::InvalidArgument(path_ + ": TLS was on at start and cannot be turned off without a restart");
    return error_;
  }
  error_ = Status::OK();
  current_ = std::move(*loaded);
  stamp_ = Stamp(&current_->config);
  return current_;
}

}  // namespace cairn::webconfig
