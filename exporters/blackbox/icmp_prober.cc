// The icmp prober, after upstream's prober/icmp.go: one echo request and its
// reply. As upstream on Linux, an unprivileged ICMP datagram socket is tried
// first (allowed by net.ipv4.ping_group_range), then a raw socket (root or
// CAP_NET_RAW); when neither is permitted the probe fails with that error.
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>

#include "exporters/blackbox/net.h"
#include "exporters/blackbox/prober.h"

namespace cairn::blackbox {
namespace {

using Clock = std::chrono::steady_clock;

// The echo id and sequence as upstream: pid & 0xffff, a sequence per process.
uint16_t EchoId() { return static_cast<uint16_t>(getpid() & 0xFFFF); }
uint16_t NextSequence() {
  static std::mutex mu;
  static uint16_t seq = static_cast<uint16_t>(std::random_device{}());
  std::lock_guard<std::mutex> lock(mu);
  return ++seq;
}

uint16_t Checksum(const std::string& data) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < data.size(); i += 2) sum += (uint8_t(data[i]) << 8) | uint8_t(data[i + 1]);
  if (data.size() % 2) sum += uint8_t(data.back()) << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

bool ProbeICMP(const std::string& target, const Module& module, ProbeContext& ctx) {
  const IcmpProbe& cfg = module.icmp;
  auto& durations = ctx.NewGaugeVec("probe_icmp_duration_seconds", "Duration of icmp request by phase");
  for (const char* p : {"resolve", "setup", "rtt"}) durations.Add({{"phase", p}});
  double lookup = 0;
  auto ip = ChooseProtocol(ctx, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback, target, &lookup);
  if (!ip.ok()) {
    ctx.log.Log("warn", "Error resolving address", {"err", ip.status().message()});
    return false;
  }
  durations.Add({{"phase", "resolve"}}).Increment(lookup);
  IpAddr dst = ip.value();
  bool v6 = dst.v6();

  SteadyTime setup_start = Clock::now();
  ctx.log.Log("info", "Creating socket");
  int family = v6 ? AF_INET6 : AF_INET;
  int proto = v6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP};
  Fd sock;
  bool privileged = false;
  if (!cfg.dont_fragment || v6) sock.fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, proto);
  if (sock.fd < 0) {
    if (!cfg.dont_fragment)
      ctx.log.Log("debug", "Unable to do unprivileged listen on socket, will attempt privileged", {"err", std::strerror(errno)});
    sock.fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, proto);
    privileged = true;
    if (sock.fd < 0) {
      ctx.log.Log("error", "Error listening to socket",
                  {"err", std::string("listen ") + (v6 ? "ip6:ipv6-icmp" : "ip4:icmp") + " " + (v6 ? "::" : "0.0.0.0") +
                              ": socket: " + std::strerror(errno)});
      return false;
    }
  }
  if (!cfg.source_ip_address.empty()) {
    auto src = ParseIp(cfg.source_ip_address);
    if (!src.ok() || bind(sock.fd, reinterpret_cast<const sockaddr*>(&src.value().addr), src.value().len) != 0) {
      ctx.log.Log("error", "Error parsing source ip address", {"srcIP", cfg.source_ip_address});
      return false;
    }
  }
  int on = 1;
  bool hop_limit_flag = v6 ? setsockopt(sock.fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on) == 0
                           : setsockopt(sock.fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on) == 0;
  int ttl = cfg.ttl > 0 ? cfg.ttl : 64;
  if (v6) setsockopt(sock.fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
  else setsockopt(sock.fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
  if (cfg.dont_fragment && !v6) {
    int pmtu = IP_PMTUDISC_DO;
    setsockopt(sock.fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
  }

  std::string data = "Prometheus Blackbox Exporter";
  if (cfg.payload_size != 0) {
    std::string sized(static_cast<size_t>(cfg.payload_size), '\0');
    std::memcpy(sized.data(), data.data(), std::min(sized.size(), data.size()));
    data = sized;
  }
  uint16_t id = EchoId(), seq = NextSequence();
  ctx.log.Log("info", "Creating ICMP packet", {"seq", std::to_string(seq), "id", std::to_string(id)});
  std::string packet(8, '\0');
  packet[0] = static_cast<char>(v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO);
  packet[4] = static_cast<char>(id >> 8);
  packet[5] = static_cast<char>(id & 0xFF);
  packet[6] = static_cast<char>(seq >> 8);
  packet[7] = static_cast<char>(seq & 0xFF);
  packet += data;
  if (!v6) {  // the kernel checksums ICMPv6 itself
    uint16_t sum = Checksum(packet);
    packet[2] = static_cast<char>(sum >> 8);
    packet[3] = static_cast<char>(sum & 0xFF);
  }
  durations.Add({{"phase", "setup"}}).Increment(SecondsSince(setup_start));

  ctx.log.Log("info", "Writing out packet");
  SteadyTime rtt_start = Clock::now();
  if (sendto(sock.fd, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&dst.addr), dst.len) < 0) {
    ctx.log.Log("warn", "Error writing to socket", {"err", std::strerror(errno)});
    return false;
  }
  ctx.log.Log("info", "Waiting for reply packets");
  uint8_t reply_type = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
  char buf[65536];
  char control[256];
  for (;;) {
    int ms = static_cast<int>(ctx.Remaining() * 1000);
    pollfd p{sock.fd, POLLIN, 0};
    int rc = ms > 0 ? poll(&p, 1, ms) : 0;
    if (rc == 0) {
      ctx.log.Log("warn", "Timeout reading from socket", {"err", "i/o timeout"});
      return false;
    }
    if (rc < 0) {
      if (errno == EINTR) continue;
      ctx.log.Log("error", "Error reading from socket", {"err", std::strerror(errno)});
      return false;
    }
    sockaddr_storage peer{};
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_name = &peer;
    msg.msg_namelen = sizeof peer;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(sock.fd, &msg, 0);
    if (n < 0) {
      ctx.log.Log("error", "Error reading from socket", {"err", std::strerror(errno)});
      continue;
    }
    double hop_limit = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
          (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
        int v = 0;
        std::memcpy(&v, CMSG_DATA(c), sizeof v);
        hop_limit = v;
      }
    }
    // Only replies from the target count.
    IpAddr from;
    std::memcpy(&from.addr, &peer, sizeof peer);
    if (from.String() != dst.String()) continue;
    std::string_view reply(buf, static_cast<size_t>(n));
    if (privileged && !v6) {  // a raw IPv4 socket hands over the IP header too
      if (reply.empty()) continue;
      size_t ihl = (uint8_t(reply[0]) & 0x0F) * 4u;
      if (reply.size() < ihl) continue;
      reply.remove_prefix(ihl);
    }
    if (reply.size() != packet.size() || uint8_t(reply[0]) != reply_type || reply[1] != 0) continue;
    // The kernel picks the id of an unprivileged socket; compare it only on raw ones.
    if (privileged && reply.substr(4, 2) != std::string_view(packet).substr(4, 2)) continue;
    if (reply.substr(6) != std::string_view(packet).substr(6)) continue;
    durations.Add({{"phase", "rtt"}}).Increment(SecondsSince(rtt_start));
    if (hop_limit >= 0 && hop_limit_flag)
      ctx.NewGauge("probe_icmp_reply_hop_limit", "Replied packet hop limit (TTL for ipv4)").Set(hop_limit);
    ctx.log.Log("info", "Found matching reply packet");
    return true;
  }
}

}  // namespace cairn::blackbox
