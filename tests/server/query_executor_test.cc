#include "server/query_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace cairn::server {
namespace {

TEST(QueryExecutorTest, RunsAtMostMaxConcurrencyAndQueuesTheRest) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> running{0}, peak{0}, done{0};
  {
    QueryExecutor ex(2);
    EXPECT_EQ(ex.max_concurrency(), 2);
    for (int i = 0; i < 5; ++i) {
      ex.Submit([&] {
        int now = ++running;
        int p = peak.load();
        while (now > p && !peak.compare_exchange_weak(p, now)) {
        }
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return release; });
        --running;
        ++done;
      });
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (running.load() < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(running.load(), 2);
    EXPECT_EQ(ex.active(), 5);
    EXPECT_EQ(ex.waiting(), 3);
    EXPECT_EQ(ex.QueueWait({0.5}).count, 2u);  // the two that started at once
    {
      std::lock_guard<std::mutex> lock(mu);
      release = true;
    }
    cv.notify_all();
  }  // the destructor runs what is queued, then joins
  EXPECT_EQ(done.load(), 5);
  EXPECT_EQ(peak.load(), 2);
}

TEST(QueryExecutorTest, QueueWaitIsObservedPerTask) {
  QueryExecutor ex(1);
  std::atomic<int> done{0};
  ex.Submit([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ++done;
  });
  ex.Submit([&] { ++done; });  // waits ~100 ms for the only slot
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done.load() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  WindowedSummary::Figures w = ex.QueueWait({0.99});
  EXPECT_EQ(w.count, 2u);
  EXPECT_GE(w.quantiles[0], 0.05);  // the second task's wait
  EXPECT_GE(w.sum, 0.05);
  EXPECT_EQ(ex.waiting(), 0);
}

TEST(QueryExecutorTest, AtLeastOneThread) {
  std::atomic<bool> ran{false};
  {
    QueryExecutor ex(0);
    EXPECT_EQ(ex.max_concurrency(), 1);
    ex.Submit([&] { ran = true; });
  }
  EXPECT_TRUE(ran.load());
}

}  // namespace
}  // namespace cairn::server
