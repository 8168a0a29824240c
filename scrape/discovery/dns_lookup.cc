#include "scrape/discovery/dns_lookup.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <poll.h>

#include <ares.h>

#include <mutex>

namespace cairn::scrape::discovery {
namespace {

int QueryType(DnsType t) {
  switch (t) {
    case DnsType::kA: return ns_t_a;
    case DnsType::kAAAA: return ns_t_aaaa;
    case DnsType::kSRV: return ns_t_srv;
    case DnsType::kMX: return ns_t_mx;
    case DnsType::kNS: return ns_t_ns;
  }
  return ns_t_srv;
}

std::string Fqdn(const char* host) {
  std::string s = host;
  if (s.empty() || s.back() != '.') s += '.';
  return s;
}

struct Query {
  DnsType type = DnsType::kSRV;
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<DnsRecord> records;
};

// Turns an answer into records; a parse failure is an error status.
int ParseAnswer(DnsType type, const unsigned char* abuf, int alen, std::vector<DnsRecord>* out) {
  switch (type) {
    case DnsType::kSRV: {
      ares_srv_reply* srv = nullptr;
      const int st = ares_parse_srv_reply(abuf, alen, &srv);
      for (auto* r = srv; st == ARES_SUCCESS && r != nullptr; r = r->next) {
        out->push_back({Fqdn(r->host), r->port});
      }
      if (srv != nullptr) ares_free_data(srv);
      return st;
    }
    case DnsType::kMX: {
      ares_mx_reply* mx = nullptr;
      const int st = ares_parse_mx_reply(abuf, alen, &mx);
      for (auto* r = mx; st == ARES_SUCCESS && r != nullptr; r = r->next) out->push_back({Fqdn(r->host), 0});
      if (mx != nullptr) ares_free_data(mx);
      return st;
    }
    case DnsType::kNS: {
      hostent* host = nullptr;
      const int st = ares_parse_ns_reply(abuf, alen, &host);
      if (st == ARES_SUCCESS) {
        for (char** a = host->h_aliases; a != nullptr && *a != nullptr; ++a) out->push_back({Fqdn(*a), 0});
      }
      if (host != nullptr) ares_free_hostent(host);
      return st;
    }
    case DnsType::kA:
    case DnsType::kAAAA: {
      hostent* host = nullptr;
      const int st = type == DnsType::kA ? ares_parse_a_reply(abuf, alen, &host, nullptr, nullptr)
                                         : ares_parse_aaaa_reply(abuf, alen, &host, nullptr, nullptr);
      if (st == ARES_SUCCESS) {
        for (char** a = host->h_addr_list; a != nullptr && *a != nullptr; ++a) {
          char buf[INET6_ADDRSTRLEN];
          if (inet_ntop(host->h_addrtype, *a, buf, sizeof buf) != nullptr) out->push_back({buf, 0});
        }
      }
      if (host != nullptr) ares_free_hostent(host);
      return st;
    }
  }
  return ARES_EBADRESP;
}

void OnAnswer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* q = static_cast<Query*>(arg);
  q->done = true;
  q->status = status == ARES_SUCCESS ? ParseAnswer(q->type, abuf, alen, &q->records) : status;
}

// Owns a c-ares channel.
struct Channel {
  ares_channel ch = nullptr;
  ~Channel() {
    if (ch != nullptr) ares_destroy(ch);
  }
};

}  // namespace

Result<std::vector<DnsRecord>> DnsLookup(const std::string& name, DnsType type, const DnsOptions& options,
                                         std::stop_token stop) {
  static std::once_flag init_once;
  static int init_status = ARES_SUCCESS;
  std::call_once(init_once, [] { init_status = ares_library_init(ARES_LIB_INIT_ALL); });
  const std::string prefix = "could not resolve \"" + name + "\": ";
  if (init_status != ARES_SUCCESS) return Status::Unavailable(prefix + ares_strerror(init_status));

  Channel channel;
  ares_options opts{};
  opts.timeout = static_cast<int>(options.timeout_ms);
  opts.tries = 2;
  int st = ares_init_options(&channel.ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  if (st != ARES_SUCCESS) return Status::Unavailable(prefix + ares_strerror(st));
  if (!options.servers.empty()) {
    st = ares_set_servers_ports_csv(channel.ch, options.servers.c_str());
    if (st != ARES_SUCCESS) {
      return Status::InvalidArgument("bad DNS server list \"" + options.servers + "\": " + ares_strerror(st));
    }
  }
  Query q;
  q.type = type;
  ares_search(channel.ch, name.c_str(), ns_c_in, QueryType(type), OnAnswer, &q);
  while (!q.done) {
    if (stop.stop_requested()) {
      ares_cancel(channel.ch);  // runs OnAnswer with ARES_ECANCELLED
      return Status::Canceled(prefix + "canceled");
    }
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    const int mask = ares_getsock(channel.ch, socks, ARES_GETSOCK_MAXNUM);
    pollfd fds[ARES_GETSOCK_MAXNUM];
    nfds_t n = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      const short events = static_cast<short>((ARES_GETSOCK_READABLE(mask, i) ? POLLIN : 0) |
                                              (ARES_GETSOCK_WRITABLE(mask, i) ? POLLOUT : 0));
      if (events != 0) fds[n++] = {socks[i], events, 0};
    }
    // Wake at least every 100ms to notice a stop request.
    timeval max_wait{0, 100000};
    timeval wait{};
    const timeval* tv = ares_timeout(channel.ch, &max_wait, &wait);
    const int timeout_ms = static_cast<int>(tv->tv_sec * 1000 + tv->tv_usec / 1000);
    const int ready = ::poll(fds, n, timeout_ms);
    if (ready <= 0) {
      ares_process_fd(channel.ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
      continue;
    }
    for (nfds_t i = 0; i < n; ++i) {
      const ares_socket_t r = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD;
      const ares_socket_t w = (fds[i].revents & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;
      if (r != ARES_SOCKET_BAD || w != ARES_SOCKET_BAD) ares_process_fd(channel.ch, r, w);
    }
  }
  if (q.status == ARES_ENOTFOUND || q.status == ARES_ENODATA) return std::vector<DnsRecord>{};
  if (q.status != ARES_SUCCESS) return Status::Unavailable(prefix + ares_strerror(q.status));
  return std::move(q.records);
}

}  // namespace cairn::scrape::discovery
