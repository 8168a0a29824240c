// The tcp prober, after upstream's prober/tcp.go: connect (optionally TLS),
// then the query_response dialogue line by line (expect a regexp on some
// line, send a line with ${n} filled from the match, optionally STARTTLS).
#include <algorithm>
#include <cctype>
#include <string>

#include "exporters/blackbox/net.h"
#include "exporters/blackbox/prober.h"

namespace cairn::blackbox {
namespace {

// Go's regexp.Expand: $1, ${1}, $name, ${name} and $$ from `groups` (group 0 = whole match).
std::string Expand(const std::string& templ, const re2::RE2& re, const std::vector<re2::StringPiece>& groups) {
  std::string out;
  for (size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] != '$' || i + 1 >= templ.size()) {
      out += templ[i];
      continue;
    }
    if (templ[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    size_t j = i + 1;
    if (templ[j] == '{') {
      size_t close = templ.find('}', j);
      if (close == std::string::npos) {
        out += templ[i];
        continue;
      }
      name = templ.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      while (j < templ.size() && (std::isalnum(static_cast<unsigned char>(templ[j])) || templ[j] == '_')) name += templ[j++];
    }
    if (name.empty()) {
      out += templ[i];
      continue;
    }
    int index = -1;
    if (std::all_of(name.begin(), name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      index = std::stoi(name);
    } else {
      auto named = re.NamedCapturingGroups();
      if (auto it = named.find(name); it != named.end()) index = it->second;
    }
    if (index >= 0 && index < static_cast<int>(groups.size()) && groups[index].data() != nullptr)
      out.append(groups[index].data(), groups[index].size());
    i = j - 1;
  }
  return out;
}

// Lines from a connection as bufio.Scanner's ScanLines yields them: split on
// "\n", a trailing "\r" dropped, the last unterminated line at EOF included.
class LineReader {
 public:
  explicit LineReader(Connection& conn) : conn_(conn) {}
  // Forgets buffered bytes, as upstream's new Scanner over the TLS connection does.
  void Reset() {
    buf_.clear();
    eof_ = false;
  }
  // False at EOF or on error (then `status` says which).
  bool Next(std::string* line, ProbeContext& ctx, Status* status) {
    for (;;) {
      if (size_t nl = buf_.find('\n'); nl != std::string::npos) {
        *line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        if (!line->empty() && line->back() == '\r') line->pop_back();
        return true;
      }
      if (eof_) {
        if (buf_.empty()) return false;
        *line = std::move(buf_);
        buf_.clear();
        if (!line->empty() && line->back() == '\r') line->pop_back();
        return true;
      }
      if (buf_.size() > 64 * 1024) {  // bufio.MaxScanTokenSize
        *status = Status::ResourceExhausted("bufio.Scanner: token too long");
        return false;
      }
      char chunk[4096];
      auto n = conn_.Read(chunk, sizeof chunk, ctx);
      if (!n.ok()) {
        *status = n.status();
        return false;
      }
      if (n.value() == 0) eof_ = true;
      buf_.append(chunk, n.value());
    }
  }

 private:
  Connection& conn_;
  std::string buf_;
  bool eof_ = false;
};

}  // namespace

bool ProbeTCP(const std::string& target, const Module& module, ProbeContext& ctx) {
  const TcpProbe& cfg = module.tcp;
  auto& regex_gauge = ctx.NewGauge("probe_failed_due_to_regex", "Indicates if probe failed due to regex");
  std::string host, port;
  if (Status s = SplitHostPort(target, &host, &port); !s.ok()) {
    ctx.log.Log("error", "Error splitting target address and port", {"err", s.message()});
    ctx.log.Log("error", "Error dialing TCP", {"err", s.message()});
    return false;
  }
  double lookup = 0;
  auto ip = ChooseProtocol(ctx, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback, host, &lookup);
  if (!ip.ok()) {
    ctx.log.Log("error", "Error resolving address", {"err", ip.status().message()});
    ctx.log.Log("error", "Error dialing TCP", {"err", ip.status().message()});
    return false;
  }
  IpAddr to = ip.value();
  char* end = nullptr;
  long port_number = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || port_number < 0 || port_number > 65535) {
    ctx.log.Log("error", "Error dialing TCP", {"err", "dial tcp: address " + port + ": invalid port"});
    return false;
  }
  to.SetPort(static_cast<uint16_t>(port_number));
  Connection conn;
  Status dialed = conn.Connect(to, cfg.source_ip_address, ctx);
  if (dialed.ok() && cfg.tls) {
    ctx.log.Log("info", "Dialing TCP with TLS");
    dialed = conn.StartTls(cfg.tls_config, cfg.tls_config.server_name.empty() ? host : cfg.tls_config.server_name, ctx);
  }
  if (!dialed.ok()) {
    ctx.log.Log("error", "Error dialing TCP", {"err", dialed.message()});
    return false;
  }
  ctx.log.Log("info", "Successfully dialed");
  if (cfg.tls) RegisterTlsMetrics(ctx, conn.tls_state());

  LineReader lines(conn);
  for (size_t i = 0; i < cfg.query_response.size(); ++i) {
    const QueryResponse& qr = cfg.query_response[i];
    ctx.log.Log("info", "Processing query response entry", {"entry_number", std::to_string(i)});
    std::string send = qr.send;
    if (qr.expect) {
      const re2::RE2& re = *qr.expect->re;
      std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
      std::string line;
      Status read_status;
      bool matched = false;
      while (lines.Next(&line, ctx, &read_status)) {
        ctx.log.Log("debug", "Read line", {"line", line});
        if (re.Match(line, 0, line.size(), re2::RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
          ctx.log.Log("info", "Regexp matched", {"regexp", qr.expect->text, "line", line});
          matched = true;
          break;
        }
      }
      if (!read_status.ok()) {
        ctx.log.Log("error", "Error reading from connection", {"err", read_status.message()});
        return false;
      }
      if (!matched) {
        regex_gauge.Set(1);
        ctx.log.Log("error", "Regexp did not match", {"regexp", qr.expect->text, "line", line});
        return false;
      }
      regex_gauge.Set(0);
      send = Expand(send, re, groups);
    }
    if (!send.empty()) {
      ctx.log.Log("debug", "Sending line", {"line", send});
      if (Status s = conn.WriteAll(send + "\n", ctx); !s.ok()) {
        ctx.log.Log("error", "Failed to send", {"err", s.message()});
        return false;
      }
    }
    if (qr.starttls) {
      Status s = conn.StartTls(cfg.tls_config, cfg.tls_config.server_name.empty() ? host : cfg.tls_config.server_name, ctx);
      if (!s.ok()) {
        ctx.log.Log("error", "TLS Handshake (client) failed", {"err", s.message()});
        return false;
      }
      ctx.log.Log("info", "TLS Handshake (client) succeeded.");
      lines.Reset();
      RegisterTlsMetrics(ctx, conn.tls_state());
    }
  }
  return true;
}

}  // namespace cairn::blackbox
