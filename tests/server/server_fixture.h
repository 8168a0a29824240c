// Server test fixtures: a Server in-process on 127.0.0.1 port 0 over
// MemoryStorage, a temp config file, a ManualClock, and helpers to call it
// over real HTTP.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/server.h"
#include "storage/memory_storage.h"
#include "tests/server/http_test_client.h"

namespace cairn::server::testing {

// A Server in-process on 127.0.0.1 port 0 over MemoryStorage (or another
// Queryable), with a temp config file and a ManualClock; StartServer() starts it.
class InProcessServer : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_) server_->Stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // Starts the server with `flags` added to the config and listen flags,
  // reading through `queryable` (storage_ when null).
  void StartServer(std::vector<std::string> flags = {}, storage::Queryable* queryable = nullptr) {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_server_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    config_path_ = (dir_ / "prometheus.yml").string();
    std::ofstream(config_path_) << "global:\n  scrape_interval: 15s\n";
    flags.push_back("--config.file=" + config_path_);
    flags.push_back("--web.listen-address=127.0.0.1:0");
    auto parsed = ParseFlags(flags);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ServerOptions opts;
    opts.flags = parsed->flags;
    opts.clock = &clock_;
    opts.queryable = queryable != nullptr ? queryable : &storage_;
    opts.appendable = &storage_;
    opts.http_threads = 2;
    auto s = BuildServer(std::move(opts));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->http_port();
  }
  static void Add(storage::Appender& app, storage::Labels ls, int64_t t, double v) {
    ASSERT_TRUE(app.Append(0, ls, t, v).ok());
  }
  ClientResponse Get(const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return HttpCall(port_, "GET", target, "", headers);
  }
  ClientResponse PostForm(const std::string& target, const std::string& body) {
    return HttpCall(port_, "POST", target, body, {{"Content-Type", "application/x-www-form-urlencoded"}});
  }

  std::filesystem::path dir_;
  std::string config_path_;
  ManualClock clock_{1700000000000};
  storage::MemoryStorage storage_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

// ServerFixture: an InProcessServer seeded with three series, started.
class ServerFixture : public InProcessServer {
 protected:
  void SetUp() override {
    auto app = storage_.NewAppender();
    Add(*app, {{"__name__", "up"}, {"job", "api"}, {"instance", "a:1"}}, 1000, 1);
    Add(*app, {{"__name__", "up"}, {"job", "node"}, {"instance", "b:1"}}, 1000, 0);
    Add(*app, {{"__name__", "http_requests_total"}, {"job", "api"}, {"http.status_code", "200"}}, 2000, 5);
    ASSERT_TRUE(app->Commit().ok());
    StartServer();
  }
};

}  // namespace cairn::server::testing
