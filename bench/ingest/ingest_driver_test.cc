// IngestDriver against an in-process fake remote-write receiver: every sample
// arrives once and in time order per series, 5xx/429 are retried, other 4xx are
// counted as rejected, and Connection: close / chunked answers are handled.
#include "bench/ingest/ingest_driver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <snappy.h>

#include "ingest/write_request_decoder.h"

namespace cairn::bench {
namespace {

// Answers each POST with the status `policy(n)` gives for the n-th request (from 1).
// Samples of 2xx-answered requests are checked and counted.
class FakeReceiver : public ingest::WriteRequestVisitor {
 public:
  FakeReceiver(std::function<int(int)> policy, bool close_each, bool chunked_errors)
      : policy_(std::move(policy)), close_each_(close_each), chunked_errors_(chunked_errors) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listen_fd_, 16), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~FakeReceiver() override {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    for (auto& t : conns_) t.join();
  }

  uint16_t port() const { return port_; }

  Status OnSeries(const ingest::SeriesView& s) override {
    std::string key;
    for (const auto& l : s.labels) key.append(l.name).append("=").append(l.value).append(",");
    for (const auto& x : s.samples) {
      auto [it, fresh] = last_ts_.try_emplace(key, x.t_ms);
      if (!fresh) {
        if (x.t_ms <= it->second) ++out_of_order_;
        it->second = x.t_ms;
      }
      ++samples_;
    }
    return Status::OK();
  }
  Status OnMetadata(const ingest::MetadataView&) override { return Status::OK(); }

  uint64_t samples() {
    std::lock_guard lock(mu_);
    return samples_;
  }
  uint64_t out_of_order() {
    std::lock_guard lock(mu_);
    return out_of_order_;
  }
  size_t series() {
    std::lock_guard lock(mu_);
    return last_ts_.size();
  }

 private:
  void AcceptLoop() {
    for (;;) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      conns_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int fd) {
    std::string in;
    char buf[65536];
    for (;;) {
      size_t end;
      while ((end = in.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) return (void)::close(fd);
        in.append(buf, n);
      }
      const std::string head = in.substr(0, end);
      size_t cl = head.find("Content-Length: ");
      const size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
      in.erase(0, end + 4);
      while (in.size() < length) {
        ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) return (void)::close(fd);
        in.append(buf, n);
      }
      const std::string body = in.substr(0, length);
      in.erase(0, length);

      int status;
      {
        std::lock_guard lock(mu_);
        status = policy_(++requests_);
        EXPECT_NE(head.find("Content-Encoding: snappy"), std::string::npos);
        EXPECT_EQ(head.rfind("POST /api/v1/write HTTP/1.1", 0), 0u);
        if (status / 100 == 2) {
          std::string raw;
          EXPECT_TRUE(snappy::Uncompress(body.data(), body.size(), &raw));
          EXPECT_TRUE(ingest::DecodeWriteRequest(raw, ingest::RemoteWriteVersion::kV1, *this).ok());
        }
      }
      std::string resp = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
      if (close_each_) resp += "Connection: close\r\n";
      if (status == 204) {
        resp += "\r\n";
      } else if (chunked_errors_) {
        resp += "Transfer-Encoding: chunked\r\n\r\n4\r\nbad \r\n4\r\ndata\r\n0\r\n\r\n";
      } else {
        resp += "Content-Length: 8\r\n\r\nbad data";
      }
      ::send(fd, resp.data(), resp.size(), MSG_NOSIGNAL);
      if (close_each_) return (void)::close(fd);
    }
  }

  std::function<int(int)> policy_;
  bool close_each_;
  bool chunked_errors_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> conns_;
  std::mutex mu_;  // guards what follows; OnSeries runs with it held
  int requests_ = 0;
  uint64_t samples_ = 0;
  uint64_t out_of_order_ = 0;
  std::map<std::string, int64_t> last_ts_;
};

IngestOptions SmallRun(uint16_t port, int concurrency) {
  IngestOptions o;
  o.url = HttpUrl{"127.0.0.1", port, "/api/v1/write"};
  o.series = 150;
  o.hours = 0.25;  // 60 rounds
  o.concurrency = concurrency;
  o.batch_samples = 100;
  o.progress = false;
  o.schedule.start_ms = 1795680000000;
  return o;
}

TEST(IngestDriverTest, EverySampleArrivesOnceInTimeOrderPerSeries) {
  FakeReceiver fake([](int) { return 204; }, false, false);
  auto o = SmallRun(fake.port(), 3);
  o.rounds_per_request = 4;
  auto stats = IngestDriver(o).Run();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->samples_acked, 150u * 60);
  EXPECT_EQ(stats->samples_rejected + stats->samples_failed + stats->retries, 0u);
  EXPECT_EQ(fake.samples(), 150u * 60);
  EXPECT_EQ(fake.series(), 150u);
  EXPECT_EQ(fake.out_of_order(), 0u);
  // 150 series / 25 per request = 6 blocks; 60 rounds / 4 per request = 15 slices.
  EXPECT_EQ(stats->requests, 6u * 15);
}

TEST(IngestDriverTest, RetriesServerErrorsAndCountsRejections) {
  // Requests 1 and 2 fail with 503 and 429 and are retried; request 5 gets a 400
  // and its samples are dropped.
  FakeReceiver fake([](int n) { return n == 1 ? 503 : n == 2 ? 429 : n == 5 ? 400 : 204; }, true,
                    true);
  auto o = SmallRun(fake.port(), 1);
  auto stats = IngestDriver(o).Run();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->retries, 2u);
  EXPECT_EQ(stats->samples_rejected, 100u);
  EXPECT_EQ(stats->samples_acked, 150u * 60 - 100);
  EXPECT_EQ(fake.samples(), stats->samples_acked);
  EXPECT_EQ(fake.out_of_order(), 0u);
  ASSERT_EQ(stats->errors.size(), 1u);
  EXPECT_EQ(stats->errors[0], "HTTP 400: bad data");
}

TEST(IngestDriverTest, GivesUpAfterMaxRetries) {
  FakeReceiver fake([](int) { return 500; }, false, false);
  auto o = SmallRun(fake.port(), 1);
  o.series = 10;
  o.hours = 15.0 / 3600;  // one round, one request
  o.max_retries = 2;
  auto stats = IngestDriver(o).Run();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->requests, 3u);
  EXPECT_EQ(stats->samples_failed, 10u);
  EXPECT_EQ(stats->samples_acked, 0u);
}

TEST(IngestDriverTest, RejectsBadOptions) {
  auto o = SmallRun(1, 1);
  o.rounds_per_request = 200;
  EXPECT_FALSE(IngestDriver(o).Run().ok());
  o = SmallRun(1, 1);
  o.schedule.jitter_ms = 8000;
  EXPECT_FALSE(IngestDriver(o).Run().ok());
}

TEST(HttpUrlTest, ParsesHostPortAndPath) {
  auto u = ParseHttpUrl("http://127.0.0.1:9090/api/v1/write");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 9090);
  EXPECT_EQ(u->path, "/api/v1/write");
  auto d = ParseHttpUrl("http://[::1]");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->port, 80);
  EXPECT_EQ(d->path, "/");
  EXPECT_FALSE(ParseHttpUrl("https://x/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://x:99999/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://:9090/").ok());
}

}  // namespace
}  // namespace cairn::bench
