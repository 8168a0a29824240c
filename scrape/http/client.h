// Client: what one scrape pool's http_config turns into — the TLS context
// (CA, client certificate, minimum version) and the credentials — shared by
// the TargetFetchers of all the pool's targets, as Prometheus shares one
// http.Client per pool (scrape/scrape.go, newScrapeClient).
//
// Thread-safety: immutable after Create; any number of fetchers on any
// threads may use one Client at once.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "scrape/http/http_config.h"
#include "scrape/http/url.h"
#include "util/status.h"

namespace cairn::scrape::http {

struct ClientOptions {
  // Sent as User-Agent. Prometheus sends "Prometheus/<version>"; Cairn names
  // itself, so target logs show who scrapes them.
  std::string user_agent = DefaultUserAgent();

  static std::string DefaultUserAgent();  // "Cairn/<version>"
};

class Client {
 public:
  // Loads the TLS material (ca/cert/key files are read now) and checks the
  // combination upstream's NewTLSConfig checks. Errors: InvalidArgument
  // ("unable to use specified CA cert ...", "tls_config.max_version must be
  // ..."), IOError for an unreadable file.
  static Result<std::shared_ptr<const Client>> Create(const HttpClientConfig& config, ClientOptions options = {});

  const HttpClientConfig& config() const { return config_; }
  const std::string& user_agent() const { return options_.user_agent; }
  // For https connections; verification mode and host name are set per
  // connection (see TargetFetcher).
  boost::asio::ssl::context& tls_context() const { return *tls_; }

  // The Authorization header value for a request to `url`, or "" when none is
  // configured or the request was redirected to a host that is neither the
  // first request's host nor its subdomain (credentials stay with their
  // host, as upstream's round trippers do). *_file secrets are read on every
  // call so rotated tokens are picked up. Errors: IOError naming the file,
  // in upstream's wording ("unable to read authorization credentials: ...").
  Result<std::string> AuthorizationHeader(const Url& url, const std::string& first_host) const;

 private:
  Client(HttpClientConfig config, ClientOptions options, std::unique_ptr<boost::asio::ssl::context> tls);

  const HttpClientConfig config_;
  const ClientOptions options_;
  const std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace cairn::scrape::http
