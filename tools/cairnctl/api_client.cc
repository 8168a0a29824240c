#include "tools/cairnctl/api_client.h"

#include "util/go_url.h"

namespace cairn::cairnctl {

namespace {
// Answers of /api/v1/series and export can be large; the default cap of
// DoRequest is meant for small control-plane answers.
constexpr uint64_t kMaxAnswerBytes = uint64_t{4} << 30;
}  // namespace

std::string EncodeParams(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += GoQueryEscape(k);
    out += '=';
    out += GoQueryEscape(v);
  }
  return out;
}

ApiClient::ApiClient(const GlobalOptions& g) : g_(g) {
  scrape::http::ClientOptions options;
  options.user_agent = "cairnctl/" + scrape::http::ClientOptions::DefaultUserAgent().substr(6);
  // A default http_config has no TLS files to read, so Create cannot fail.
  client_ = scrape::http::Client::Create(scrape::http::HttpClientConfig{}, options).value();
}

std::string ApiClient::BaseUrl() const {
  std::string base = g_.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Result<scrape::http::Response> ApiClient::Send(std::string method, std::string_view path, std::string body,
                                               std::vector<std::pair<std::string, std::string>> headers) const {
  scrape::http::Request req;
  req.method = std::move(method);
  req.url = BaseUrl() + std::string(path);
  req.headers = std::move(headers);
  req.body = std::move(body);
  req.timeout = g_.timeout;
  req.max_response_body_bytes = kMaxAnswerBytes;
  return scrape::http::DoRequest(*client_, req);
}

Result<ApiAnswer> ApiClient::Get(std::string_view path, const Params& params) const {
  std::string p(path);
  if (!params.empty()) p += "?" + EncodeParams(params);
  return Unwrap(Send("GET", p));
}

Result<ApiAnswer> ApiClient::PostForm(std::string_view path, const Params& params) const {
  return Unwrap(Send("POST", path, EncodeParams(params), {{"Content-Type", "application/x-www-form-urlencoded"}}));
}

Result<ApiAnswer> ApiClient::Unwrap(Result<scrape::http::Response> r) const {
  if (!r.ok()) return r.status();
  auto doc = ParseJson(r->body);
  if (!doc.ok() || !doc->is_object()) {
    // Not an API envelope (a proxy's error page, a wrong --url).
    std::string snippet = r->body.substr(0, 200);
    return Status::Unavailable("server returned HTTP status " + r->status_text + ": " + snippet);
  }
  if (doc->GetString("status") != "success") {
    std::string type = doc->GetString("errorType");
    std::string error = doc->GetString("error");
    if (type.empty() && error.empty()) return Status::Unavailable("server returned HTTP status " + r->status_text);
    return Status::InvalidArgument(type + ": " + error);
  }
  ApiAnswer answer;
  if (const JsonValue* data = doc->Find("data")) answer.data = *data;
  if (const JsonValue* w = doc->Find("warnings"); w != nullptr && w->is_array()) {
    for (const auto& item : w->items()) answer.warnings.push_back(item.str());
  }
  return answer;
}

}  // namespace cairn::cairnctl
