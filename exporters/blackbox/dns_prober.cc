// The dns prober, after upstream's prober/dns.go: one query over UDP or TCP,
// the rcode and the answer/authority/additional sections checked against
// the module's validators, probe_dns_serial for SOA queries.
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "exporters/blackbox/dns_message.h"
#include "exporters/blackbox/net.h"
#include "exporters/blackbox/prober.h"

namespace cairn::blackbox {
namespace {

using Clock = std::chrono::steady_clock;

// upstream's validRRs, against miekg/dns's RR text.
bool ValidRRs(const std::vector<DnsRecord>& rrs, const DnsRrValidator& v, ProbeLog& log) {
  if (rrs.empty() && !v.fail_if_not_matches_regexp.empty()) {
    log.Log("error", "fail_if_not_matches_regexp specified but no RRs returned");
    return false;
  }
  if (rrs.empty() && !v.fail_if_none_matches_regexp.empty()) {
    log.Log("error", "fail_if_none_matches_regexp specified but no RRs returned");
    return false;
  }
  auto compiled = [&](const Regexp& re) {
    if (re.re->ok()) return true;
    log.Log("error", "Error matching regexp", {"regexp", re.text, "err", re.re->error()});
    return false;
  };
  bool any_match = false, all_match = true;
  for (const auto& rr : rrs) {
    std::string text = rr.String();
    log.Log("info", "Validating RR", {"rr", text});
    for (const auto& re : v.fail_if_matches_regexp) {
      if (!compiled(re)) return false;
      if (re2::RE2::PartialMatch(text, *re.re)) {
        log.Log("error", "At least one RR matched regexp", {"regexp", re.text, "rr", text});
        return false;
      }
    }
    for (const auto& re : v.fail_if_all_match_regexp) {
      if (!compiled(re)) return false;
      if (!re2::RE2::PartialMatch(text, *re.re)) all_match = false;
    }
    for (const auto& re : v.fail_if_not_matches_regexp) {
      if (!compiled(re)) return false;
      if (!re2::RE2::PartialMatch(text, *re.re)) {
        log.Log("error", "At least one RR did not match regexp", {"regexp", re.text, "rr", text});
        return false;
      }
    }
    for (const auto& re : v.fail_if_none_matches_regexp) {
      if (!compiled(re)) return false;
      if (re2::RE2::PartialMatch(text, *re.re)) any_match = true;
    }
  }
  if (!v.fail_if_all_match_regexp.empty() && !all_match) {
    log.Log("error", "Not all RRs matched regexp");
    return false;
  }
  if (!v.fail_if_none_matches_regexp.empty() && !any_match) {
    log.Log("error", "None of the RRs did matched any regexp");
    return false;
  }
  return true;
}

bool ValidRcode(int rcode, const std::vector<std::string>& valid, ProbeLog& log) {
  std::vector<int> codes;
  if (valid.empty()) codes.push_back(0);
  for (const auto& name : valid) {
    int rc = DnsRcodeFromString(name);
    if (rc < 0) {
      log.Log("error", "Invalid rcode", {"rcode", name});
      return false;
    }
    codes.push_back(rc);
  }
  for (int rc : codes) {
    if (rc == rcode) {
      log.Log("info", "Rcode is valid", {"rcode", std::to_string(rcode), "string_rcode", DnsRcodeString(rcode)});
      return true;
    }
  }
  log.Log("error", "Rcode is not one of the valid rcodes",
          {"rcode", std::to_string(rcode), "string_rcode", DnsRcodeString(rcode)});
  return false;
}

// Sends `query` and returns the reply with the same id. `rtt` is the time
// from the write to the complete reply (miekg/dns's rtt); the dial before it
// is the "connect" phase.
Result<std::string> ExchangeUdp(const IpAddr& to, const std::string& source_ip, const std::string& query, uint16_t id,
                                ProbeContext& ctx, SteadyTime* sent) {
  int fd = socket(to.addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(std::string("socket: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  if (!source_ip.empty()) {
    auto src = ParseIp(source_ip);
    if (!src.ok()) return src.status();
    if (bind(fd, reinterpret_cast<const sockaddr*>(&src.value().addr), src.value().len) != 0)
      return Status::IOError("bind " + source_ip + ": " + std::strerror(errno));
  }
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to.addr), to.len) != 0)
    return Status::IOError(std::string("dial udp: ") + std::strerror(errno));
  *sent = Clock::now();
  if (send(fd, query.data(), query.size(), 0) < 0) return Status::IOError(std::string("write: ") + std::strerror(errno));
  std::string buf(65535, '\0');
  for (;;) {
    int ms = static_cast<int>(ctx.Remaining() * 1000);
    pollfd p{fd, POLLIN, 0};
    int rc = ms > 0 ? poll(&p, 1, ms) : 0;
    if (rc == 0) return Status::Timeout("read udp " + to.JoinPort(0) + ": i/o timeout");
    if (rc < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("poll: ") + std::strerror(errno));
    }
    ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n < 0) return Status::IOError(std::string("read: ") + std::strerror(errno));
    if (n >= 2 && ((uint8_t(buf[0]) << 8) | uint8_t(buf[1])) == id) return buf.substr(0, static_cast<size_t>(n));
    // a stray datagram (another id): keep waiting, as miekg/dns does
  }
}

Result<std::string> ExchangeTcp(Connection& conn, const std::string& query, ProbeContext& ctx, SteadyTime* sent) {
  std::string framed;
  framed += static_cast<char>(query.size() >> 8);
  framed += static_cast<char>(query.size() & 0xFF);
  framed += query;
  *sent = Clock::now();
  if (Status s = conn.WriteAll(framed, ctx); !s.ok()) return s;
  std::string buf;
  char chunk[4096];
  for (;;) {
    if (buf.size() >= 2) {
      size_t want = (uint8_t(buf[0]) << 8) | uint8_t(buf[1]);
      if (buf.size() >= want + 2) return buf.substr(2, want);
    }
    auto n = conn.Read(chunk, sizeof chunk, ctx);
    if (!n.ok()) return n.status();
    if (n.value() == 0) return Status::Unavailable("EOF");
    buf.append(chunk, n.value());
  }
}

}  // namespace

bool ProbeDNS(const std::string& target, const Module& module, ProbeContext& ctx) {
  const DnsProbe& cfg = module.dns;
  auto& durations = ctx.NewGaugeVec("probe_dns_duration_seconds", "Duration of DNS request by phase");
  auto& answer_rrs = ctx.NewGauge("probe_dns_answer_rrs", "Returns number of entries in the answer resource record list");
  auto& authority_rrs =
      ctx.NewGauge("probe_dns_authority_rrs", "Returns number of entries in the authority resource record list");
  auto& additional_rrs =
      ctx.NewGauge("probe_dns_additional_rrs", "Returns number of entries in the additional resource record list");
  auto& query_succeeded = ctx.NewGauge("probe_dns_query_succeeded", "Displays whether or not the query was executed successfully");
  for (const char* p : {"resolve", "connect", "request"}) durations.Add({{"phase", p}});

  uint16_t qclass = cfg.query_class.empty() ? 1 : DnsClassFromString(cfg.query_class);
  uint16_t qtype = cfg.query_type.empty() ? 255 : DnsTypeFromString(cfg.query_type);
  std::string transport = cfg.transport_protocol.empty() ? "udp" : cfg.transport_protocol;
  if (transport != "udp" && transport != "tcp") {
    ctx.log.Log("error", "Configuration error: Expected transport protocol udp or tcp", {"protocol", transport});
    return false;
  }
  std::string host, port;
  if (!SplitHostPort(target, &host, &port).ok()) {
    host = target;
    port = cfg.dns_over_tls ? "853" : "53";
  }
  double lookup = 0;
  auto ip = ChooseProtocol(ctx, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback, host, &lookup);
  if (!ip.ok()) {
    ctx.log.Log("error", "Error resolving address", {"err", ip.status().message()});
    return false;
  }
  durations.Add({{"phase", "resolve"}}).Increment(lookup);
  if (cfg.dns_over_tls && transport != "tcp") {
    ctx.log.Log("error", "Configuration error: Expected transport protocol tcp for DoT", {"protocol", transport});
    return false;
  }
  IpAddr to = ip.value();
  to.SetPort(static_cast<uint16_t>(std::strtoul(port.c_str(), nullptr, 10)));

  static thread_local std::mt19937 rng{std::random_device{}()};
  uint16_t id = static_cast<uint16_t>(rng());
  std::string query = EncodeDnsQuery(id, cfg.query_name, qtype, qclass, cfg.recursion_desired);
  ctx.log.Log("info", "Making DNS query",
              {"target", to.JoinPort(to.v6() ? ntohs(reinterpret_cast<sockaddr_in6*>(&to.addr)->sin6_port)
                                                : ntohs(reinterpret_cast<sockaddr_in*>(&to.addr)->sin_port)),
               "dial_protocol", transport + (to.v6() ? "6" : "4"), "query", cfg.query_name, "type", std::to_string(qtype),
               "class", std::to_string(qclass)});
  SteadyTime start = Clock::now();
  SteadyTime sent{};
  Result<std::string> reply = Status::Internal("no exchange");
  if (transport == "udp") {
    reply = ExchangeUdp(to, cfg.source_ip_address, query, id, ctx, &sent);
  } else {
    Connection conn;
    Status s = conn.Connect(to, cfg.source_ip_address, ctx);
    if (s.ok() && cfg.dns_over_tls)
      s = conn.StartTls(cfg.tls_config, cfg.tls_config.server_name.empty() ? host : cfg.tls_config.server_name, ctx);
    reply = s.ok() ? ExchangeTcp(conn, query, ctx, &sent) : Result<std::string>(s);
  }
  SteadyTime done = Clock::now();
  // miekg/dns reports rtt only for a completed exchange; on error it is 0.
  double rtt = reply.ok() && sent != SteadyTime{} ? std::chrono::duration<double>(done - sent).count() : 0;
  durations.Add({{"phase", "connect"}}).Set(std::chrono::duration<double>(done - start).count() - rtt);
  durations.Add({{"phase", "request"}}).Set(rtt);
  if (!reply.ok()) {
    ctx.log.Log("error", "Error while sending a DNS query", {"err", reply.status().message()});
    return false;
  }
  auto msg = DecodeDnsMessage(reply.value());
  if (!msg.ok()) {
    ctx.log.Log("error", "Error while sending a DNS query", {"err", msg.status().message()});
    return false;
  }
  const DnsMessage& m = msg.value();
  ctx.log.Log("info", "Got response", {"rcode", DnsRcodeString(m.rcode)});
  answer_rrs.Set(static_cast<double>(m.answer.size()));
  authority_rrs.Set(static_cast<double>(m.authority.size()));
  additional_rrs.Set(static_cast<double>(m.additional.size()));
  query_succeeded.Set(1);
  if (qtype == 6) {
    auto& serial = ctx.NewGauge("probe_dns_serial", "Returns the serial number of the zone");
    for (const auto& rr : m.answer)
      if (rr.type == 6) serial.Set(rr.soa_serial);
  }
  if (!ValidRcode(m.rcode, cfg.valid_rcodes, ctx.log)) return false;
  ctx.log.Log("info", "Validating Answer RRs");
  if (!ValidRRs(m.answer, cfg.validate_answer_rrs, ctx.log)) {
    ctx.log.Log("error", "Answer RRs validation failed");
    return false;
  }
  ctx.log.Log("info", "Validating Authority RRs");
  if (!ValidRRs(m.authority, cfg.validate_authority_rrs, ctx.log)) {
    ctx.log.Log("error", "Authority RRs validation failed");
    return false;
  }
  ctx.log.Log("info", "Validating Additional RRs");
  if (!ValidRRs(m.additional, cfg.validate_additional_rrs, ctx.log)) {
    ctx.log.Log("error", "Additional RRs validation failed");
    return false;
  }
  return true;
}

}  // namespace cairn::blackbox
