// Remote write with a SeriesRefCache: known series append by ref, and a
// cached ref is used only when storage confirms it names the wire labels.
#include "ingest/series_ref_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "ingest/remote_write.h"
#include "tests/ingest/test_util.h"

namespace cairn::ingest {
namespace {

using testing::AddSeries;
using testing::Snappy;

constexpr std::string_view kV1Type = "application/x-protobuf";

// Gives each distinct label set a ref (from `first_ref`) and answers
// SeriesLabels; counts appends that came without a ref (the label path).
class RefAppendable final : public storage::Appendable {
 public:
  explicit RefAppendable(storage::SeriesRef first_ref = 1) : next_(first_ref) {}
  std::map<storage::SeriesRef, std::unique_ptr<storage::Labels>> by_ref;
  std::map<storage::Labels, storage::SeriesRef> by_labels;
  std::map<std::string, int> samples;  // committed samples per series (ToString)
  int appends_without_ref = 0;

  std::unique_ptr<storage::Appender> NewAppender() override { return std::make_unique<App>(this); }

 private:
  class App final : public storage::Appender {
   public:
    explicit App(RefAppendable* p) : p_(p) {}
    Result<storage::SeriesRef> Append(storage::SeriesRef ref, const storage::Labels& labels, int64_t, double,
                                      const storage::AppendOptions&) override {
      if (ref == 0 || p_->by_ref.count(ref) == 0) {
        ++p_->appends_without_ref;
        auto [it, created] = p_->by_labels.try_emplace(labels, p_->next_);
        if (created) p_->by_ref[p_->next_++] = std::make_unique<storage::Labels>(labels);
        ref = it->second;
      }
      pending_.push_back(p_->by_ref[ref]->ToString());
      return ref;
    }
    const storage::Labels* SeriesLabels(storage::SeriesRef ref) const override {
      auto it = p_->by_ref.find(ref);
      return it == p_->by_ref.end() ? nullptr : it->second.get();
    }
    Status UpdateMetadata(const std::string&, const storage::Metadata&) override { return Status::OK(); }
    Status Commit() override {
      for (const std::string& s : pending_) ++p_->samples[s];
      pending_.clear();
      return Status::OK();
    }
    void Rollback() override { pending_.clear(); }

   private:
    RefAppendable* p_;
    std::vector<std::string> pending_;
  };
  storage::SeriesRef next_;
};

WriteOutcome Write(const prometheus::WriteRequest& req, storage::Appendable& db, SeriesRefCache* refs) {
  return HandleRemoteWrite(Snappy(req.SerializeAsString()), kV1Type, "snappy", db, nullptr, RemoteWriteLimits{},
                           refs);
}

std::vector<LabelView> Views(const std::vector<std::pair<std::string, std::string>>& labels) {
  std::vector<LabelView> out;
  for (const auto& [n, v] : labels) out.push_back({n, v});
  return out;
}

TEST(SeriesRefCacheTest, KnownSeriesAppendByRefInLaterRequests) {
  RefAppendable db;
  SeriesRefCache refs;
  for (int round = 0; round < 3; ++round) {
    prometheus::WriteRequest req;
    AddSeries(&req, {{"__name__", "up"}, {"job", "a"}}, {{1000 + round, 1}});
    AddSeries(&req, {{"__name__", "up"}, {"job", "b"}}, {{1000 + round, 1}, {2000 + round, 1}});
    WriteOutcome out = Write(req, db, &refs);
    ASSERT_EQ(out.http_status, 204) << out.message;
    EXPECT_EQ(out.samples_written, 3);
  }
  // Only the first request looked the two series up by labels.
  EXPECT_EQ(db.appends_without_ref, 2);
  EXPECT_EQ(refs.size(), 2u);
  EXPECT_EQ(db.samples[R"(up{job="a"})"], 3);
  EXPECT_EQ(db.samples[R"(up{job="b"})"], 6);
}

TEST(SeriesRefCacheTest, RefThatNamesOtherLabelsIsNotUsed) {
  // The same cache used with a storage whose refs name other series (as
  // after a hash collision, or a storage that gave the ref to another series).
  SeriesRefCache refs;
  RefAppendable first;
  prometheus::WriteRequest a;
  AddSeries(&a, {{"__name__", "m"}, {"x", "1"}}, {{1, 1}});
  ASSERT_EQ(Write(a, first, &refs).http_status, 204);
  RefAppendable second;
  prometheus::WriteRequest b;
  AddSeries(&b, {{"__name__", "other"}}, {{1, 1}});
  ASSERT_EQ(Write(b, second, &refs).http_status, 204);  // "other" gets ref 1 there
  ASSERT_EQ(Write(a, second, &refs).http_status, 204);
  EXPECT_EQ(second.samples[R"(m{x="1"})"], 1);
  EXPECT_EQ(second.samples["other{}"], 1);
}

TEST(SeriesRefCacheTest, ForcedCollisionStillValidatesWireLabels) {
  RefAppendable db;
  SeriesRefCache refs;
  prometheus::WriteRequest good;
  AddSeries(&good, {{"__name__", "m"}, {"a", "1"}, {"b", "2"}}, {{1, 1}});
  ASSERT_EQ(Write(good, db, &refs).http_status, 204);
  const storage::SeriesRef ref = db.by_labels.begin()->second;
  // Unsorted, duplicate and empty-valued wire forms of the same set all hash
  // to that ref here; none may pass as the stored series.
  const std::vector<std::vector<std::pair<std::string, std::string>>> bad = {
      {{"__name__", "m"}, {"b", "2"}, {"a", "1"}},
      {{"__name__", "m"}, {"a", "1"}, {"a", "1"}, {"b", "2"}},
  };
  for (const auto& labels : bad) {
    refs.Put(SeriesRefCache::Hash(Views(labels)), ref);
    prometheus::WriteRequest req;
    AddSeries(&req, labels, {{2, 1}});
    WriteOutcome out = Write(req, db, &refs);
    EXPECT_EQ(out.http_status, 400) << labels.size();
    EXPECT_EQ(out.samples_rejected, 1);
  }
  // An empty value is dropped, so this one is the stored series, found by labels.
  const std::vector<std::pair<std::string, std::string>> with_empty = {
      {"__name__", "m"}, {"a", "1"}, {"b", "2"}, {"c", ""}};
  refs.Put(SeriesRefCache::Hash(Views(with_empty)), ref);
  prometheus::WriteRequest req;
  AddSeries(&req, with_empty, {{3, 1}});
  const int before = db.appends_without_ref;
  ASSERT_EQ(Write(req, db, &refs).http_status, 204);
  EXPECT_EQ(db.appends_without_ref, before + 1);
  EXPECT_EQ(db.samples[R"(m{a="1", b="2"})"], 2);
}

TEST(SeriesRefCacheTest, StorageThatCannotConfirmRefsFillsNothing) {
  testing::RecordingAppendable db;  // no SeriesLabels
  SeriesRefCache refs;
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "up"}, {"job", "a"}}, {{1, 1}});
  AddSeries(&req, {{"__name__", "up"}, {"job", "b"}}, {{1, 1}});
  ASSERT_EQ(Write(req, db, &refs).http_status, 204);
  ASSERT_EQ(Write(req, db, &refs).http_status, 204);
  EXPECT_EQ(db.committed.size(), 4u);
  EXPECT_EQ(refs.size(), 0u);
}

TEST(SeriesRefCacheTest, HashKeepsLabelBoundaries) {
  EXPECT_NE(SeriesRefCache::Hash(Views({{"a", "bc"}})), SeriesRefCache::Hash(Views({{"ab", "c"}})));
  EXPECT_NE(SeriesRefCache::Hash(Views({{"a", "b"}, {"c", "d"}})), SeriesRefCache::Hash(Views({{"a", "bcd"}})));
  EXPECT_EQ(SeriesRefCache::Hash(Views({{"a", "b"}})), SeriesRefCache::Hash(Views({{"a", "b"}})));
}

TEST(SeriesRefCacheTest, SizeIsBounded) {
  SeriesRefCache refs(64);
  for (uint64_t i = 1; i <= 10000; ++i) refs.Put(i * 0x9E3779B97F4A7C15ULL, i);
  EXPECT_LE(refs.size(), 64u + 32u);
  refs.Put(42, 7);
  EXPECT_EQ(refs.Get(42), 7u);
}

}  // namespace
}  // namespace cairn::ingest
