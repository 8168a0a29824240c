// The Appender/Querier contract (storage/appender.h, storage/queryable.h) as
// one typed test run against both storages: the RocksDB engine (DB) and the
// in-memory storage that promql-test and the upper layers' unit tests use. A
// behaviour that only one of them has would make PromQL's spec scripts say
// something the server does not do; this suite is where that shows.
#include <unistd.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/db.h"
#include "storage/memory_storage.h"
#include "util/clock.h"

namespace cairn::storage {
namespace {

constexpr int64_t kT0 = 1'764'000'000'000;  // well inside any retention window of the clock below

// Each storage under test behind one face: Appendable + Queryable, opened fresh per test.
class MemoryFixture {
 public:
  MemoryFixture() : storage_(std::make_unique<MemoryStorage>()) {}
  Appendable& appendable() { return *storage_; }
  Queryable& queryable() { return *storage_; }

 private:
  std::unique_ptr<MemoryStorage> storage_;
};

class EngineFixture {
 public:
  EngineFixture() : clock_(kT0 + 60'000) {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_contract_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    DBOptions opts;
    opts.path = dir_.string();
    opts.background_poll_ms = 0;
    auto db = DB::Open(opts, clock_);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (db.ok()) db_ = std::move(db).value();
  }
  ~EngineFixture() {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  Appendable& appendable() { return *db_; }
  Queryable& queryable() { return *db_; }

 private:
  ManualClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<DB> db_;
};

// Samples as (timestamp, value bits): compared bit for bit, so NaNs compare too.
std::vector<std::pair<int64_t, uint64_t>> Bits(const std::vector<Sample>& samples) {
  std::vector<std::pair<int64_t, uint64_t>> out;
  for (const Sample& s : samples) out.emplace_back(s.t_ms, std::bit_cast<uint64_t>(s.v));
  return out;
}

Matcher M(MatchType t, const std::string& n, const std::string& v) { return *Matcher::Make(t, n, v); }

template <typename Fixture>
class StorageContractTest : public ::testing::Test {
 protected:
  Appendable& app() { return fixture_.appendable(); }

  void Add(const Labels& ls, const std::vector<Sample>& samples) {
    auto a = app().NewAppender();
    for (const Sample& s : samples) ASSERT_TRUE(a->Append(0, ls, s.t_ms, s.v).ok()) << s.t_ms;
    ASSERT_TRUE(a->Commit().ok());
  }

  // Every series matching `ms` in [mint, maxt], sorted by labels, with its samples.
  std::vector<std::pair<Labels, std::vector<Sample>>> Select(const Matchers& ms, int64_t mint = INT64_MIN,
                                                             int64_t maxt = INT64_MAX) {
    std::vector<std::pair<Labels, std::vector<Sample>>> out;
    auto q = fixture_.queryable().NewQuerier(mint, maxt);
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    if (!q.ok()) return out;
    SelectHints hints;
    hints.start_ms = mint;
    hints.end_ms = maxt;
    hints.sorted = true;
    auto set = (*q)->Select(hints, ms);
    while (set->Next()) {
      std::vector<Sample> samples;
      auto it = set->At().Iterator();
      while (it->Next()) samples.push_back(it->At());
      EXPECT_TRUE(it->status().ok()) << it->status().ToString();
      out.emplace_back(set->At().labels(), std::move(samples));
    }
    EXPECT_TRUE(set->status().ok()) << set->status().ToString();
    return out;
  }

  std::vector<Sample> Read(const Labels& ls, int64_t mint = INT64_MIN, int64_t maxt = INT64_MAX) {
    Matchers ms;
    for (const Label& l : ls) ms.push_back(M(MatchType::kEqual, l.name, l.value));
    auto got = Select(ms, mint, maxt);
    for (auto& [labels, samples] : got) {
      if (labels == ls) return samples;
    }
    return {};
  }

  Fixture fixture_;
};

using Storages = ::testing::Types<MemoryFixture, EngineFixture>;
class StorageNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryFixture> ? "Memory" : "Engine";
  }
};
TYPED_TEST_SUITE(StorageContractTest, Storages, StorageNames);

const Labels kUp{{"__name__", "up"}, {"job", "node"}};
const Labels kUp2{{"__name__", "up"}, {"job", "app"}};

TYPED_TEST(StorageContractTest, CommittedSamplesReadBackInTimeOrder) {
  this->Add(kUp, {{kT0 + 2000, 3}, {kT0, 1}, {kT0 + 1000, 2}});  // out of order within one batch
  this->Add(kUp, {{kT0 - 1000, 0}});                            // older than what is stored
  std::vector<Sample> want{{kT0 - 1000, 0}, {kT0, 1}, {kT0 + 1000, 2}, {kT0 + 2000, 3}};
  EXPECT_EQ(Bits(this->Read(kUp)), Bits(want));
}

TYPED_TEST(StorageContractTest, NothingIsVisibleBeforeCommit) {
  auto a = this->app().NewAppender();
  ASSERT_TRUE(a->Append(0, kUp, kT0, 1).ok());
  EXPECT_TRUE(this->Read(kUp).empty());
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_EQ(this->Read(kUp).size(), 1u);
}

TYPED_TEST(StorageContractTest, RollbackAndDestructionDiscardTheBatch) {
  {
    auto a = this->app().NewAppender();
    ASSERT_TRUE(a->Append(0, kUp, kT0, 1).ok());
    a->Rollback();
    ASSERT_TRUE(a->Commit().ok());  // an empty commit after a rollback
  }
  {
    auto a = this->app().NewAppender();
    ASSERT_TRUE(a->Append(0, kUp, kT0 + 1000, 2).ok());
  }  // destroyed uncommitted
  EXPECT_TRUE(this->Read(kUp).empty());
}

TYPED_TEST(StorageContractTest, AnAppenderIsReusableAfterCommit) {
  auto a = this->app().NewAppender();
  ASSERT_TRUE(a->Append(0, kUp, kT0, 1).ok());
  ASSERT_TRUE(a->Commit().ok());
  ASSERT_TRUE(a->Append(0, kUp, kT0 + 1000, 2).ok());
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_EQ(this->Read(kUp).size(), 2u);
}

TYPED_TEST(StorageContractTest, TheReturnedRefAddressesTheSameSeries) {
  auto a = this->app().NewAppender();
  auto ref = a->Append(0, kUp, kT0, 1);
  ASSERT_TRUE(ref.ok());
  auto again = a->Append(*ref, kUp, kT0 + 1000, 2);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(a->Append(0, kUp2, kT0, 5).ok());
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_EQ(Bits(this->Read(kUp)), Bits(std::vector<Sample>{{kT0, 1}, {kT0 + 1000, 2}}));
  EXPECT_EQ(Bits(this->Read(kUp2)), Bits(std::vector<Sample>{{kT0, 5}}));
}

TYPED_TEST(StorageContractTest, ADuplicateTimestampWithAnotherValueFailsOnlyItsOwnAppend) {
  this->Add(kUp, {{kT0, 1}});
  auto a = this->app().NewAppender();
  auto dup = a->Append(0, kUp, kT0, 2);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kDuplicateSample) << dup.status().ToString();
  ASSERT_TRUE(a->Append(0, kUp, kT0 + 1000, 3).ok());  // the rest of the batch is unaffected
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_EQ(Bits(this->Read(kUp)), Bits(std::vector<Sample>{{kT0, 1}, {kT0 + 1000, 3}}));
}

TYPED_TEST(StorageContractTest, WithinOneBatchTheFirstSampleOfATimestampWins) {
  auto a = this->app().NewAppender();
  ASSERT_TRUE(a->Append(0, kUp, kT0, 1).ok());
  ASSERT_TRUE(a->Append(0, kUp, kT0, 2).ok());  // Append checks committed data only
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_EQ(Bits(this->Read(kUp)), Bits(std::vector<Sample>{{kT0, 1}}));
}

TYPED_TEST(StorageContractTest, TheSameSampleTwiceIsStoredOnce) {
  this->Add(kUp, {{kT0, 1}});
  this->Add(kUp, {{kT0, 1}});  // a resend (remote write retries do this): accepted, no error
  EXPECT_EQ(Bits(this->Read(kUp)), Bits(std::vector<Sample>{{kT0, 1}}));
}

TYPED_TEST(StorageContractTest, InvalidLabelsAreRefused) {
  auto a = this->app().NewAppender();
  for (const Labels& bad : {Labels{}, Labels{{"__name__", "x"}, {"", "v"}}, Labels{{"__name__", "x"}, {"a", "\xff"}}}) {
    auto r = a->Append(0, bad, kT0, 1);
    ASSERT_FALSE(r.ok()) << bad.ToString();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad.ToString();
  }
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_TRUE(this->Select({M(MatchType::kRegexMatch, "__name__", ".+")}).empty());
}

TYPED_TEST(StorageContractTest, EveryValueRoundTripsBitForBit) {
  const std::vector<double> values{0.0,
                                   -0.0,
                                   1.5,
                                   -1e308,
                                   std::numeric_limits<double>::denorm_min(),
                                   std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity(),
                                   std::bit_cast<double>(uint64_t{0x7ff0000000000002}),  // Prometheus' stale marker
                                   std::bit_cast<double>(uint64_t{0x7ff8000000000001}),  // Prometheus' NaN
                                   std::bit_cast<double>(uint64_t{0xfff8dead0000beef})};  // a NaN with a payload
  std::vector<Sample> in;
  for (size_t i = 0; i < values.size(); ++i) in.push_back({kT0 + static_cast<int64_t>(i) * 15000, values[i]});
  this->Add(kUp, in);
  auto got = this->Read(kUp);
  ASSERT_EQ(got.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(got[i].t_ms, in[i].t_ms);
    EXPECT_EQ(std::bit_cast<uint64_t>(got[i].v), std::bit_cast<uint64_t>(in[i].v)) << i;
  }
}

TYPED_TEST(StorageContractTest, TheWindowIsInclusiveAtBothEnds) {
  this->Add(kUp, {{kT0, 1}, {kT0 + 1000, 2}, {kT0 + 2000, 3}, {kT0 + 3000, 4}});
  EXPECT_EQ(Bits(this->Read(kUp, kT0 + 1000, kT0 + 2000)), Bits(std::vector<Sample>{{kT0 + 1000, 2}, {kT0 + 2000, 3}}));
  // A series with no sample in the window is not selected at all.
  EXPECT_TRUE(this->Select({M(MatchType::kEqual, "__name__", "up")}, kT0 + 5000, kT0 + 9000).empty());
}

TYPED_TEST(StorageContractTest, MatchersSelectAsPrometheusDoes) {
  const Labels a{{"__name__", "http_requests_total"}, {"code", "200"}, {"job", "api"}};
  const Labels b{{"__name__", "http_requests_total"}, {"code", "500"}, {"job", "api"}};
  const Labels c{{"__name__", "http_requests_total"}, {"job", "web"}};
  for (const Labels& ls : {a, b, c}) this->Add(ls, {{kT0, 1}});
  auto names = [&](const Matchers& ms) {
    std::vector<Labels> out;
    for (auto& [ls, samples] : this->Select(ms)) out.push_back(ls);
    return out;
  };
  const Matcher name = M(MatchType::kEqual, "__name__", "http_requests_total");
  EXPECT_EQ(names({name, M(MatchType::kEqual, "code", "500")}), (std::vector<Labels>{b}));
  EXPECT_EQ(names({name, M(MatchType::kNotEqual, "code", "500")}), (std::vector<Labels>{a, c}));
  EXPECT_EQ(names({name, M(MatchType::kRegexMatch, "code", "2..|5..")}), (std::vector<Labels>{a, b}));
  EXPECT_EQ(names({name, M(MatchType::kRegexNoMatch, "code", "5.*")}), (std::vector<Labels>{a, c}));
  // An empty value matches series without the label; regexes are anchored.
  EXPECT_EQ(names({name, M(MatchType::kEqual, "code", "")}), (std::vector<Labels>{c}));
  EXPECT_EQ(names({name, M(MatchType::kRegexMatch, "code", "")}), (std::vector<Labels>{c}));
  EXPECT_EQ(names({name, M(MatchType::kRegexMatch, "code", "0")}), std::vector<Labels>{});
  // Sorted by labels (Labels::Compare), as hints.sorted asks.
  EXPECT_EQ(names({name}), (std::vector<Labels>{a, b, c}));
}

TYPED_TEST(StorageContractTest, LabelNamesAndValuesAreSortedDistinctAndWindowed) {
  this->Add(Labels{{"__name__", "b"}, {"zone", "eu"}}, {{kT0, 1}});
  this->Add(Labels{{"__name__", "a"}, {"zone", "us"}, {"rack", "r1"}}, {{kT0, 1}});
  this->Add(Labels{{"__name__", "a"}, {"zone", "asia"}}, {{kT0 + 60'000, 1}});
  auto q = this->fixture_.queryable().NewQuerier(kT0, kT0 + 1000);
  ASSERT_TRUE(q.ok());
  auto names = (*q)->LabelNames({});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"__name__", "rack", "zone"}));
  auto zones = (*q)->LabelValues("zone", {});
  ASSERT_TRUE(zones.ok());
  EXPECT_EQ(*zones, (std::vector<std::string>{"eu", "us"}));  // asia has no data in the window
  auto a_zones = (*q)->LabelValues("zone", {M(MatchType::kEqual, "__name__", "a")});
  ASSERT_TRUE(a_zones.ok());
  EXPECT_EQ(*a_zones, (std::vector<std::string>{"us"}));
}

TYPED_TEST(StorageContractTest, SeekMovesForwardOnly) {
  this->Add(kUp, {{kT0, 1}, {kT0 + 1000, 2}, {kT0 + 2000, 3}});
  auto q = this->fixture_.queryable().NewQuerier(INT64_MIN, INT64_MAX);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select(SelectHints{}, {M(MatchType::kEqual, "job", "node")});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(kT0 + 500));
  EXPECT_EQ(it->At().t_ms, kT0 + 1000);
  ASSERT_TRUE(it->Seek(kT0));  // backwards: stays put
  EXPECT_EQ(it->At().t_ms, kT0 + 1000);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->At().t_ms, kT0 + 2000);
  EXPECT_FALSE(it->Seek(kT0 + 5000));
  EXPECT_FALSE(set->Next());
}

}  // namespace
}  // namespace cairn::storage
