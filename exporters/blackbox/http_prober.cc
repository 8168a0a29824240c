// The http prober, after upstream's prober/http.go: one request, redirects
// followed by hand (up to 10, as Go's client with upstream's CheckRedirect),
// per-round-trip phase timings summed into probe_http_duration_seconds, and
// the status, version, header, body and TLS checks in upstream's order.
// Not done here: cookies across redirects (Go's cookie jar), HTTP/2 (Go
// negotiates it over TLS by ALPN; this client speaks HTTP/1.1), brotli.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <fstream>
#include <netdb.h>
#include <optional>
#include <sstream>

#include "exporters/blackbox/http_message.h"
#include "exporters/blackbox/net.h"
#include "exporters/blackbox/prober.h"

namespace cairn::blackbox {
namespace {

using Clock = std::chrono::steady_clock;

// One request/response exchange; zero time points are phases not reached
// (as upstream's roundTripTrace).
struct RoundTrip {
  bool tls = false;
  SteadyTime start, dns_done, connect_done, got_conn, response_start, end, tls_start, tls_done;
};

bool IsZero(SteadyTime t) { return t == SteadyTime{}; }
double Between(SteadyTime a, SteadyTime b) { return std::chrono::duration<double>(b - a).count(); }

std::string Base64(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("unable to read file " + path + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Go's http.ParseTime: RFC 1123 (http.TimeFormat), RFC 850 and ANSI C dates.
std::optional<double> ParseHttpTime(const std::string& text) {
  static const char* kFormats[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"};
  for (const char* f : kFormats) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), f, &tm);
    if (end != nullptr && *end == '\0') return static_cast<double>(timegm(&tm));
  }
  return std::nullopt;
}

// The response body as upstream reads it: decompressed when `compression`
// is set, limited to body_size_limit, counted, and kept only when a body
// regexp needs it.
class BodySink {
 public:
  BodySink(const HttpProbe& cfg, bool keep) : limit_(cfg.body_size_limit), keep_(keep) {
    if (cfg.compression == "gzip" || cfg.compression == "deflate") {
      inflating_ = true;
      std::memset(&zs_, 0, sizeof zs_);
      inflateInit2(&zs_, cfg.compression == "gzip" ? 16 + MAX_WBITS : -MAX_WBITS);
    }
  }
  ~BodySink() {
    if (inflating_) inflateEnd(&zs_);
  }
  BodySink(const BodySink&) = delete;
  BodySink& operator=(const BodySink&) = delete;

  Status Add(std::string_view raw) {
    if (!inflating_) return Take(raw);
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    zs_.avail_in = static_cast<uInt>(raw.size());
    char out[16384];
    while (zs_.avail_in > 0 && !stream_end_) {
      zs_.next_out = reinterpret_cast<Bytef*>(out);
      zs_.avail_out = sizeof out;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return Status::Corruption("flate: corrupt input");
      if (Status s = Take(std::string_view(out, sizeof out - zs_.avail_out)); !s.ok()) return s;
      if (rc == Z_STREAM_END) stream_end_ = true;
      if (rc == Z_BUF_ERROR) break;
    }
    return Status::OK();
  }
  Status Finish() {
    if (inflating_ && !stream_end_ && zs_.total_in > 0) return Status::Corruption("unexpected EOF");
    if (inflating_ && zs_.total_in == 0) return Status::Corruption("EOF");
    return Status::OK();
  }
  int64_t bytes() const { return bytes_; }
  const std::string& kept() const { return kept_; }

 private:
  Status Take(std::string_view data) {
    if (limit_ > 0 && bytes_ + static_cast<int64_t>(data.size()) > limit_) {
      bytes_ = limit_;
      return Status::ResourceExhausted("http: request body too large");
    }
    bytes_ += static_cast<int64_t>(data.size());
    if (keep_) kept_.append(data);
    return Status::OK();
  }
  int64_t limit_;
  bool keep_;
  bool inflating_ = false;
  bool stream_end_ = false;
  z_stream zs_{};
  int64_t bytes_ = 0;
  std::string kept_;
};

bool MatchHeaders(const HttpResponseHead& head, const HttpProbe& cfg, ProbeLog& log) {
  for (const auto& spec : cfg.fail_if_header_matches) {
    auto values = head.Values(CanonicalHeaderKey(spec.header));
    if (values.empty()) {
      if (!spec.allow_missing) {
        log.Log("error", "Missing required header", {"header", spec.header});
        return false;
      }
      continue;
    }
    for (const auto& v : values) {
      if (re2::RE2::PartialMatch(v, *spec.regexp.re)) {
        log.Log("error", "Header matched regular expression", {"header", spec.header, "regexp", spec.regexp.text});
        return false;
      }
    }
  }
  for (const auto& spec : cfg.fail_if_header_not_matches) {
    auto values = head.Values(CanonicalHeaderKey(spec.header));
    if (values.empty()) {
      if (!spec.allow_missing) {
        log.Log("error", "Missing required header", {"header", spec.header});
        return false;
      }
      continue;
    }
    bool any = std::any_of(values.begin(), values.end(),
                           [&](const std::string& v) { return re2::RE2::PartialMatch(v, *spec.regexp.re); });
    if (!any) {
      log.Log("error", "Header did not match regular expression", {"header", spec.header, "regexp", spec.regexp.text});
      return false;
    }
  }
  return true;
}

bool MatchBody(const std::string& body, const HttpProbe& cfg, ProbeLog& log) {
  for (const auto& re : cfg.fail_if_body_matches_regexp) {
    if (re2::RE2::PartialMatch(body, *re.re)) {
      log.Log("error", "Body matched regular expression", {"regexp", re.text});
      return false;
    }
  }
  for (const auto& re : cfg.fail_if_body_not_matches_regexp) {
    if (!re2::RE2::PartialMatch(body, *re.re)) {
      log.Log("error", "Body did not match regular expression", {"regexp", re.text});
      return false;
    }
  }
  return true;
}

// A received response: its head, the bytes after the head already read, and
// the connection to read the rest of the body from.
struct Response {
  HttpResponseHead head;
  std::string leftover;
  std::unique_ptr<Connection> conn;
  bool tls = false;
  TlsState tls_state;
};

struct Request {
  std::string method;
  Url url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // user headers, Host excluded
  std::string host_header;
  std::string authorization;  // full header value, "" = none
};

std::string Serialize(const Request& r) {
  std::string out = r.method + " " + r.url.path_query + " HTTP/1.1\r\nHost: " + r.host_header + "\r\n";
  bool has_ua = false;
  for (const auto& [k, v] : r.headers) has_ua |= CanonicalHeaderKey(k) == "User-Agent";
  if (!has_ua) out += "User-Agent: Blackbox Exporter/cairn-" CAIRN_VERSION "\r\n";
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH")
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  if (!r.authorization.empty()) out += "Authorization: " + r.authorization + "\r\n";
  for (const auto& [k, v] : r.headers) out += CanonicalHeaderKey(k) + ": " + v + "\r\n";
  out += "Connection: close\r\n\r\n";  // keep-alives off, as upstream's client
  return out + r.body;
}

// One round trip: resolve (hops after the first), connect, TLS, send, read
// the response head. `ip` is the first hop's address from ChooseProtocol.
Result<Response> RoundTripOnce(const Request& req, const std::optional<IpAddr>& ip, const std::string& tls_server_name,
                               const HttpProbe& cfg, RoundTrip& trace, ProbeContext& ctx) {
  IpAddr to;
  if (ip) {
    trace.start = trace.dns_done = Clock::now();
    to = *ip;
  } else {
    trace.start = Clock::now();
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(req.url.host.c_str(), nullptr, &hints, &res);
    trace.dns_done = Clock::now();
    if (rc != 0) return Status::Unavailable("dial tcp: lookup " + req.url.host + ": " + gai_strerror(rc));
    std::memcpy(&to.addr, res->ai_addr, res->ai_addrlen);
    to.len = res->ai_addrlen;
    freeaddrinfo(res);
  }
  to.SetPort(req.url.PortOrDefault());
  Response resp;
  resp.conn = std::make_unique<Connection>();
  if (Status s = resp.conn->Connect(to, "", ctx); !s.ok()) return s;
  trace.connect_done = Clock::now();
  if (req.url.scheme == "https") {
    trace.tls_start = Clock::now();
    Status s = resp.conn->StartTls(cfg.client.tls_config, tls_server_name, ctx);
    trace.tls_done = Clock::now();
    if (!s.ok()) return s;
    resp.tls = true;
    resp.tls_state = resp.conn->tls_state();
  }
  trace.got_conn = Clock::now();
  if (Status s = resp.conn->WriteAll(Serialize(req), ctx); !s.ok()) return s;
  std::string buf;
  char chunk[16384];
  for (;;) {
    auto n = resp.conn->Read(chunk, sizeof chunk, ctx);
    if (!n.ok()) return n.status();
    if (n.value() == 0) return Status::Unavailable(buf.empty() ? "EOF" : "unexpected EOF");
    if (IsZero(trace.response_start)) trace.response_start = Clock::now();
    buf.append(chunk, n.value());
    auto used = ParseResponseHead(buf, &resp.head);
    if (!used.ok()) return used.status();
    if (used.value() > 0) {
      resp.leftover = buf.substr(used.value());
      return resp;
    }
  }
}

// Reads the body after the head into `sink` (Content-Length, chunked or to EOF).
Status ReadBody(Response& resp, const std::string& method, BodySink& sink, ProbeContext& ctx) {
  const auto& head = resp.head;
  if (method == "HEAD" || head.status / 100 == 1 || head.status == 204 || head.status == 304) return Status::OK();
  ChunkedDecoder chunked;
  int64_t left = head.content_length;
  std::string decoded;
  auto feed = [&](std::string_view data) -> Status {
    if (head.chunked) {
      decoded.clear();
      if (Status s = chunked.Feed(data, &decoded); !s.ok()) return s;
      return sink.Add(decoded);
    }
    if (left >= 0) {
      data = data.substr(0, static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(data.size()))));
      left -= static_cast<int64_t>(data.size());
    }
    return sink.Add(data);
  };
  auto finished = [&] { return head.chunked ? chunked.done() : left == 0; };
  if (!resp.leftover.empty())
    if (Status s = feed(resp.leftover); !s.ok()) return s;
  char buf[16384];
  while (!finished()) {
    auto n = resp.conn->Read(buf, sizeof buf, ctx);
    if (!n.ok()) return n.status();
    if (n.value() == 0) {
      if (head.chunked || left > 0) return Status::Unavailable("unexpected EOF");
      break;
    }
    if (Status s = feed(std::string_view(buf, n.value())); !s.ok()) return s;
  }
  return sink.Finish();
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

bool ProbeHTTP(const std::string& target_in, const Module& module, ProbeContext& ctx) {
  const HttpProbe& cfg = module.http;
  auto& durations = ctx.NewGaugeVec("probe_http_duration_seconds", "Duration of http request by phase, summed over all redirects");
  auto& content_length = ctx.NewGauge("probe_http_content_length", "Length of http content response");
  auto& uncompressed_length = ctx.NewGauge("probe_http_uncompressed_body_length", "Length of uncompressed response body");
  auto& redirects_gauge = ctx.NewGauge("probe_http_redirects", "The number of redirects");
  auto& ssl_gauge = ctx.NewGauge("probe_http_ssl", "Indicates if SSL was used for the final redirect");
  auto& status_gauge = ctx.NewGauge("probe_http_status_code", "Response HTTP status code");
  auto& version_gauge = ctx.NewGauge("probe_http_version", "Returns the version of HTTP of the probe response");
  auto& regex_gauge = ctx.NewGauge("probe_failed_due_to_regex", "Indicates if probe failed due to regex");
  auto phase = [&](const char* name) -> prometheus::Gauge& { return durations.Add({{"phase", name}}); };

  std::string target = target_in;
  if (target.rfind("http://", 0) != 0 && target.rfind("https://", 0) != 0) target = "http://" + target;
  auto parsed = ParseUrl(target);
  if (!parsed.ok()) {
    ctx.log.Log("error", "Could not parse target URL", {"err", parsed.status().message()});
    return false;
  }
  Url url = parsed.value();
  if (!cfg.client.proxy_url.empty()) {
    ctx.log.Log("error", "Error generating HTTP client", {"err", "proxy_url is not supported by cairn-blackbox-exporter"});
    return false;
  }

  double lookup = 0;
  auto ip = ChooseProtocol(ctx, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback, url.host, &lookup);
  phase("resolve").Increment(lookup);
  if (!ip.ok()) {
    ctx.log.Log("error", "Error resolving address", {"err", ip.status().message()});
    return false;
  }

  Request req;
  req.method = cfg.method.empty() ? "GET" : cfg.method;
  req.url = url;
  req.body = cfg.body;
  req.host_header = url.HostPort();
  std::string tls_server_name = cfg.client.tls_config.server_name.empty() ? url.host : cfg.client.tls_config.server_name;
  for (const auto& [k, v] : cfg.headers) {
    if (CanonicalHeaderKey(k) == "Host") {
      req.host_header = v;
      if (cfg.client.tls_config.server_name.empty()) tls_server_name = v;
      continue;
    }
    req.headers.emplace_back(k, v);
  }
  if (cfg.client.basic_auth) {
    std::string password = cfg.client.basic_auth->password;
    if (!cfg.client.basic_auth->password_file.empty()) {
      auto p = ReadSecretFile(cfg.client.basic_auth->password_file);
      if (!p.ok()) {
        ctx.log.Log("error", "Error for HTTP request", {"err", p.status().message()});
        return false;
      }
      password = p.value();
    }
    req.authorization = "Basic " + Base64(cfg.client.basic_auth->username + ":" + password);
  } else if (!cfg.client.authorization_type.empty()) {
    std::string credentials = cfg.client.authorization_credentials;
    if (!cfg.client.authorization_credentials_file.empty()) {
      auto c = ReadSecretFile(cfg.client.authorization_credentials_file);
      if (!c.ok()) {
        ctx.log.Log("error", "Error for HTTP request", {"err", c.status().message()});
        return false;
      }
      credentials = c.value();
    }
    req.authorization = cfg.client.authorization_type + " " + credentials;
  }
  for (const char* p : {"connect", "tls", "processing", "transfer"}) phase(p);

  std::vector<RoundTrip> traces;
  std::optional<Response> resp;
  bool request_errored = false;
  int redirects = 0;
  std::string first_host = url.HostPort();
  for (int hop = 0;; ++hop) {
    traces.emplace_back();
    RoundTrip& trace = traces.back();
    trace.tls = req.url.scheme == "https";
    ctx.log.Log("info", "Making HTTP request", {"url", req.url.String(), "host", req.host_header});
    // Upstream sends its TLS ServerName only to the first host; later hosts get their own name.
    std::string server_name = req.url.HostPort() == first_host ? tls_server_name : req.url.host;
    std::optional<IpAddr> hop_ip;
    if (hop == 0) hop_ip = ip.value();
    auto r = RoundTripOnce(req, hop_ip, server_name, cfg, trace, ctx);
    if (!r.ok()) {
      std::string err = r.status().message();
      if (ctx.Expired()) err = "context deadline exceeded";
      ctx.log.Log("error", "Error for HTTP request", {"err", err});
      resp.reset();
      break;
    }
    resp = std::move(r).value();
    std::string location = resp->head.Get("Location");
    if (!IsRedirect(resp->head.status) || location.empty()) break;
    ctx.log.Log("info", "Received redirect", {"location", location});
    redirects = hop + 1;
    if (redirects > 10 || !cfg.client.follow_redirects) {
      ctx.log.Log("info", "Not following redirect");
      request_errored = true;
      break;
    }
    auto next = ResolveUrl(req.url, location);
    if (!next.ok()) {
      ctx.log.Log("error", "Error for HTTP request", {"err", next.status().message()});
      resp.reset();
      break;
    }
    int status = resp->head.status;
    if ((status == 301 || status == 302 || status == 303) && req.method != "GET" && req.method != "HEAD") {
      req.method = "GET";
      req.body.clear();
    }
    if (next.value().host != req.url.host) req.authorization.clear();  // Go drops credentials on a new host
    req.url = next.value();
    req.host_header = req.url.HostPort();
  }

  bool success = false;
  int64_t body_bytes = 0;
  RoundTrip& last = traces.back();
  if (resp) {
    const HttpResponseHead& head = resp->head;
    ctx.log.Log("info", "Received HTTP response", {"status_code", std::to_string(head.status)});
    if (!cfg.valid_status_codes.empty()) {
      success = std::find(cfg.valid_status_codes.begin(), cfg.valid_status_codes.end(), head.status) !=
                cfg.valid_status_codes.end();
      if (!success) ctx.log.Log("info", "Invalid HTTP response status code", {"status_code", std::to_string(head.status)});
    } else if (head.status >= 200 && head.status < 300) {
      success = true;
    } else {
      ctx.log.Log("info", "Invalid HTTP response status code, wanted 2xx", {"status_code", std::to_string(head.status)});
    }
    if (success && (!cfg.fail_if_header_matches.empty() || !cfg.fail_if_header_not_matches.empty())) {
      success = MatchHeaders(head, cfg, ctx.log);
      regex_gauge.Set(success ? 0 : 1);
    }
    if (!cfg.compression.empty() && cfg.compression != "gzip" && cfg.compression != "deflate" &&
        cfg.compression != "identity") {
      ctx.log.Log("info", "Failed to get decompressor for HTTP response body", {"err", "unsupported compression algorithm"});
      success = false;
    }
    bool want_body_regex = !cfg.fail_if_body_matches_regexp.empty() || !cfg.fail_if_body_not_matches_regexp.empty();
    if (!request_errored) {
      BodySink sink(cfg, success && want_body_regex);
      Status read = ReadBody(*resp, req.method, sink, ctx);
      if (success && want_body_regex) {
        success = read.ok() && MatchBody(sink.kept(), cfg, ctx.log);
        regex_gauge.Set(success ? 0 : 1);
      }
      if (!read.ok()) {
        ctx.log.Log("info", "Failed to read HTTP response body", {"err", read.message()});
        success = false;
      }
      body_bytes = sink.bytes();
    }
    last.end = Clock::now();
    if (auto t = ParseHttpTime(head.Get("Last-Modified"))) {
      ctx.NewGauge("probe_http_last_modified_timestamp_seconds", "Returns the Last-Modified HTTP response header in unixtime")
          .Set(*t);
    }
    double version = std::strtod(head.proto.c_str() + 5, nullptr);
    version_gauge.Set(version);
    if (!cfg.valid_http_versions.empty() &&
        std::find(cfg.valid_http_versions.begin(), cfg.valid_http_versions.end(), head.proto) ==
            cfg.valid_http_versions.end()) {
      ctx.log.Log("error", "Invalid HTTP version number", {"version", head.proto});
      success = false;
    }
  }

  for (size_t i = 0; i < traces.size(); ++i) {
    const RoundTrip& t = traces[i];
    if (i != 0 && !IsZero(t.dns_done)) phase("resolve").Increment(Between(t.start, t.dns_done));
    if (IsZero(t.got_conn)) continue;
    if (t.tls) {
      phase("connect").Increment(Between(t.dns_done, t.connect_done));
      phase("tls").Increment(Between(t.tls_start, t.tls_done));
    } else {
      phase("connect").Increment(Between(t.dns_done, t.got_conn));
    }
    if (IsZero(t.response_start)) continue;
    phase("processing").Increment(Between(t.got_conn, t.response_start));
    if (IsZero(t.end)) continue;
    phase("transfer").Increment(Between(t.response_start, t.end));
  }

  if (resp && resp->tls) {
    ssl_gauge.Set(1);
    RegisterTlsMetrics(ctx, resp->tls_state);
    if (cfg.fail_if_ssl) {
      ctx.log.Log("error", "Final request was over SSL");
      success = false;
    }
  } else if (cfg.fail_if_not_ssl) {
    ctx.log.Log("error", "Final request was not over SSL");
    success = false;
  }
  if (resp) {
    status_gauge.Set(resp->head.status);
    content_length.Set(static_cast<double>(resp->head.content_length));
  }
  uncompressed_length.Set(static_cast<double>(body_bytes));
  redirects_gauge.Set(redirects);
  return success;
}

}  // namespace cairn::blackbox
