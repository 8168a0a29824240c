#include "webconfig/basic_auth.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace cairn::webconfig {
namespace {

constexpr const char* kHelloHash = "$2y$04$4ETOWfpvq62J8wBB.s4x/.wmDKXoZ4oVdJIUhpKzrCl5kyISRBnBW";  // "hello"

// "Basic " + base64("user:password").
std::string Header(const std::string& user, const std::string& password) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in = user + ":" + password, out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
  }
  return "Basic " + out;
}

TEST(BcryptTest, MatchesKnownHashAndRoundTrips) {
  EXPECT_TRUE(BcryptMatches(kHelloHash, "hello"));
  EXPECT_FALSE(BcryptMatches(kHelloHash, "hellO"));
  EXPECT_FALSE(BcryptMatches(kHelloHash, std::string("hello\0x", 7)));
  Result<std::string> h = BcryptHash("s3cret", 4);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->substr(0, 7), "$2b$04$");
  EXPECT_TRUE(BcryptMatches(*h, "s3cret"));
  EXPECT_FALSE(BcryptMatches(*h, "s3cre"));
  // $2a$ and $2b$ spellings of the same hash both verify.
  std::string a = *h;
  a[2] = 'a';
  EXPECT_TRUE(BcryptMatches(a, "s3cret"));
}

TEST(BasicAuthTest, ParseHeader) {
  std::string u, p;
  ASSERT_TRUE(ParseBasicAuthorization(Header("alice", "pa:ss"), &u, &p));
  EXPECT_EQ(u, "alice");
  EXPECT_EQ(p, "pa:ss");
  ASSERT_TRUE(ParseBasicAuthorization("basic " + Header("a", "b").substr(6), &u, &p));
  EXPECT_EQ(u, "a");
  EXPECT_FALSE(ParseBasicAuthorization("Bearer abc", &u, &p));
  EXPECT_FALSE(ParseBasicAuthorization("Basic !!!!", &u, &p));
  EXPECT_FALSE(ParseBasicAuthorization("Basic YWJj", &u, &p));  // "abc": no colon
  EXPECT_FALSE(ParseBasicAuthorization("", &u, &p));
}

TEST(BasicAuthTest, Check) {
  std::map<std::string, std::string> users = {{"alice", kHelloHash}};
  BasicAuthChecker checker;
  EXPECT_TRUE(checker.Check(users, Header("alice", "hello")));
  EXPECT_TRUE(checker.Check(users, Header("alice", "hello")));  // cached
  EXPECT_FALSE(checker.Check(users, Header("alice", "wrong")));
  EXPECT_FALSE(checker.Check(users, Header("mallory", "hello")));
  EXPECT_FALSE(checker.Check(users, ""));
  // A user removed from the config is refused although cached as good.
  EXPECT_FALSE(checker.Check({}, Header("alice", "hello")));
  // A changed hash is a new cache key.
  Result<std::string> other = BcryptHash("other", 4);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(checker.Check({{"alice", *other}}, Header("alice", "hello")));
  EXPECT_TRUE(checker.Check({{"alice", *other}}, Header("alice", "other")));
}

TEST(BasicAuthTest, CacheStaysBounded) {
  std::map<std::string, std::string> users = {{"alice", kHelloHash}};
  BasicAuthChecker checker;
  for (int i = 0; i < 3 * static_cast<int>(BasicAuthChecker::kCacheSize); ++i) {
    EXPECT_FALSE(checker.Check(users, Header("alice", "guess" + std::to_string(i))));
  }
  EXPECT_TRUE(checker.Check(users, Header("alice", "hello")));
}

// With a bound on waiters, a miss that would queue for bcrypt is turned away
// at once while a cached answer still comes through.
TEST(BasicAuthTest, BusyWhenTooManyWaitForBcrypt) {
  Result<std::string> slow = BcryptHash("slow", 12);  // some 200 ms per check
  ASSERT_TRUE(slow.ok());
  std::map<std::string, std::string> users = {{"alice", *slow}};
  BasicAuthChecker checker;
  ASSERT_EQ(checker.Decide(users, Header("alice", "slow"), 1), BasicAuthChecker::Verdict::kAllowed);  // cached now
  std::atomic<bool> started{false};
  BasicAuthChecker::Verdict first = BasicAuthChecker::Verdict::kBusy;
  std::thread t([&] {
    started = true;
    first = checker.Decide(users, Header("alice", "guess-1"), 1);
  });
  while (!started) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(checker.Decide(users, Header("alice", "guess-2"), 1), BasicAuthChecker::Verdict::kBusy);
  EXPECT_EQ(checker.Decide(users, Header("alice", "slow"), 1), BasicAuthChecker::Verdict::kAllowed);
  t.join();
  EXPECT_EQ(first, BasicAuthChecker::Verdict::kDenied);
  // Unbounded callers wait their turn.
  EXPECT_FALSE(checker.Check(users, Header("alice", "guess-2")));
}

}  // namespace
}  // namespace cairn::webconfig
