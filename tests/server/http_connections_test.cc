// The HTTP server's connection limits: the cap with eviction of waiting
// connections, the header and idle timeouts, and the paused accept when every
// connection is busy.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/http/http_server.h"
#include "server/http/router.h"

namespace cairn::server::http {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

void SendAll(int fd, const std::string& s) { ASSERT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size())); }

// Reads until the peer closes or `deadline`; returns what arrived.
std::string ReadUntilClosed(int fd, milliseconds deadline, bool* closed) {
  std::string out;
  *closed = false;
  const auto end = Clock::now() + deadline;
  while (Clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    int left = int(std::chrono::duration_cast<milliseconds>(end - Clock::now()).count());
    if (::poll(&p, 1, std::max(left, 1)) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      *closed = true;
      break;
    }
    out.append(buf, size_t(n));
  }
  return out;
}

// One GET on a new connection; the status line, or "" on failure/timeout.
std::string Get(uint16_t port, milliseconds deadline) {
  int fd = Connect(port);
  SendAll(fd, "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  bool closed;
  std::string r = ReadUntilClosed(fd, deadline, &closed);
  ::close(fd);
  return r.substr(0, r.find("\r\n"));
}

class HttpConnectionsTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions o) {
    router_.Add("/ping", {"GET"}, [](const HttpRequest&) { return HttpResponse::Text(200, "pong\n"); });
    router_.Add("/block", {"GET"}, [this](const HttpRequest&) {
      std::unique_lock<std::mutex> lock(mu_);
      ++blocked_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_; });
      return HttpResponse::Text(200, "done\n");
    });
    o.listen_address = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(o, router_);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    Release();
    if (server_) server_->Stop();
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  bool WaitBlocked(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return blocked_ >= n; });
  }
  // With every slot blocked in /block: a GET on a new connection gets no
  // answer (nor reaches a handler) until Release(), then gets its 200.
  void ExpectAnotherGetWaitsForRelease() {
    int blocked_before;
    {
      std::lock_guard<std::mutex> lock(mu_);
      blocked_before = blocked_;
    }
    std::string status;
    std::atomic<bool> answered{false};
    std::thread waiter([&] {
      status = Get(server_->port(), milliseconds(5000));
      answered = true;
    });
    std::this_thread::sleep_for(milliseconds(300));
    {
      std::lock_guard<std::mutex> lock(mu_);
      EXPECT_EQ(blocked_, blocked_before);  // the new connection was not served
    }
    EXPECT_FALSE(answered);  // an answer now would be a request over the cap
    Release();
    waiter.join();
    EXPECT_EQ(status, "HTTP/1.1 200 OK");
  }

  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  int blocked_ = 0;
  bool released_ = false;
};

TEST_F(HttpConnectionsTest, AtTheCapANewConnectionEvictsTheOldestWaitingOne) {
  HttpServerOptions o;
  o.max_connections = 4;
  Start(o);
  std::vector<int> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(Connect(server_->port()));
    SendAll(slow.back(), "GET /ping HTTP/1.1\r\nHo");  // a header that never ends
  }
  std::this_thread::sleep_for(milliseconds(100));
  const auto start = Clock::now();
  EXPECT_EQ(Get(server_->port(), milliseconds(2000)), "HTTP/1.1 200 OK");
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  // The first slow connection made room.
  bool closed;
  ReadUntilClosed(slow[0], milliseconds(1000), &closed);
  EXPECT_TRUE(closed);
  ReadUntilClosed(slow[3], milliseconds(100), &closed);
  EXPECT_FALSE(closed);
  for (int fd : slow) ::close(fd);
}

TEST_F(HttpConnectionsTest, WhenEveryConnectionIsBusyNewOnesWaitForOneToFinish) {
  HttpServerOptions o;
  o.max_connections = 2;
  o.threads = 4;
  Start(o);
  std::vector<int> busy;
  for (int i = 0; i < 2; ++i) {
    busy.push_back(Connect(server_->port()));
    SendAll(busy.back(), "GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  ASSERT_TRUE(WaitBlocked(2));
  ExpectAnotherGetWaitsForRelease();
  for (int fd : busy) ::close(fd);
}

// An eviction makes room for exactly one: a connection accepted while others
// still waited must not let a later one in over the cap once they are busy.
TEST_F(HttpConnectionsTest, AfterAnEvictionTheCapStillHoldsWhenTheOthersTurnBusy) {
  HttpServerOptions o;
  o.max_connections = 2;
  o.threads = 4;
  Start(o);
  int first = Connect(server_->port());
  int second = Connect(server_->port());
  std::this_thread::sleep_for(milliseconds(100));  // both wait for a request
  int third = Connect(server_->port());            // evicts the first
  bool closed;
  ReadUntilClosed(first, milliseconds(1000), &closed);
  EXPECT_TRUE(closed);
  SendAll(second, "GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
  SendAll(third, "GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(WaitBlocked(2));
  ExpectAnotherGetWaitsForRelease();
  for (int fd : {first, second, third}) ::close(fd);
}

TEST_F(HttpConnectionsTest, AHeaderThatTakesTooLongIsCutOff) {
  HttpServerOptions o;
  o.read_header_timeout = milliseconds(300);
  Start(o);
  int fd = Connect(server_->port());
  const auto start = Clock::now();
  // Trickle a byte every 100 ms: each arrives in time, the header does not.
  const std::string header = "GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
  bool closed = false;
  for (size_t i = 0; i < header.size() && !closed; ++i) {
    if (::send(fd, &header[i], 1, MSG_NOSIGNAL) != 1) break;
    ReadUntilClosed(fd, milliseconds(100), &closed);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - start, milliseconds(1500));
  ::close(fd);
}

TEST_F(HttpConnectionsTest, AnIdleKeepAliveConnectionIsClosedAfterTheIdleTimeoutNotTheHeaderTimeout) {
  HttpServerOptions o;
  o.read_header_timeout = milliseconds(200);
  o.idle_timeout = milliseconds(800);
  Start(o);
  int fd = Connect(server_->port());
  SendAll(fd, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed;
  std::string r = ReadUntilClosed(fd, milliseconds(400), &closed);
  EXPECT_EQ(r.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_FALSE(closed);  // idle for 400 ms > header timeout: still open
  SendAll(fd, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto idle_start = Clock::now();  // about when the answer went out
  r = ReadUntilClosed(fd, milliseconds(300), &closed);
  EXPECT_EQ(r.substr(0, 15), "HTTP/1.1 200 OK");
  ReadUntilClosed(fd, milliseconds(3000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_GT(Clock::now() - idle_start, milliseconds(600));
  ::close(fd);
}

TEST_F(HttpConnectionsTest, ABodyThatTakesTooLongIsCutOff) {
  HttpServerOptions o;
  o.read_timeout = milliseconds(300);
  Start(o);
  int fd = Connect(server_->port());
  SendAll(fd, "POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
  const auto start = Clock::now();
  bool closed;
  ReadUntilClosed(fd, milliseconds(3000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - start, milliseconds(1500));
  ::close(fd);
}

}  // namespace
}  // namespace cairn::server::http
