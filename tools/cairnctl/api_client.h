// ApiClient: cairnctl's side of Cairn's (and Prometheus') HTTP API — builds
// the URL from --url, sends the request with the tree's HTTP client
// (scrape/http DoRequest), and unwraps the {"status","data","warnings"}
// envelope.
//
//   ApiClient api(g);
//   auto r = api.Get("/api/v1/labels", {{"match[]", "up"}});
//   if (!r.ok()) return Fail(r.status().message());
//   for (const auto& v : r->data.items()) ...
//
// An API error answer becomes a failed Result whose message is
// "<errorType>: <error>" ("bad_data: invalid parameter ..."); a transport
// failure keeps DoRequest's Go-style message. Thread-safety: const methods
// may be called from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scrape/http/client.h"
#include "scrape/http/request.h"
#include "tools/cairnctl/command.h"
#include "tools/cairnctl/json_value.h"
#include "util/status.h"

namespace cairn::cairnctl {

using Params = std::vector<std::pair<std::string, std::string>>;

struct ApiAnswer {
  JsonValue data;                     // the envelope's "data"
  std::vector<std::string> warnings;  // the envelope's "warnings"
};

class ApiClient {
 public:
  // `g` is read at each call (url, timeout), so it must outlive the client.
  explicit ApiClient(const GlobalOptions& g);

  // GET <url><path>?<params> and unwrap the envelope.
  Result<ApiAnswer> Get(std::string_view path, const Params& params) const;
  // POST <url><path> with the params as an urlencoded form (for long match[]
  // lists, as promtool does).
  Result<ApiAnswer> PostForm(std::string_view path, const Params& params) const;

  // One request to <url><path>, answer returned whatever its status (for the
  // non-API endpoints: /-/healthy, /-/ready, /-/reload, /api/v1/write).
  Result<scrape::http::Response> Send(std::string method, std::string_view path, std::string body = "",
                                      std::vector<std::pair<std::string, std::string>> headers = {}) const;

  // The server's base URL without a trailing '/'.
  std::string BaseUrl() const;

 private:
  Result<ApiAnswer> Unwrap(Result<scrape::http::Response> r) const;

  const GlobalOptions& g_;
  std::shared_ptr<const scrape::http::Client> client_;
};

// "a=b&c=d" with Go's url.QueryEscape on both sides.
std::string EncodeParams(const Params& params);

}  // namespace cairn::cairnctl
