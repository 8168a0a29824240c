// Engine API: what a PromQL test script cannot check — query stats, the
// sample limit, timeout and cancellation, and agreement of the streamed and
// step-wise paths — over an in-memory storage. Query results belong in the
// scripts (tests/promql/*.test, e.g. engine_results.test).
#include "promql/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <string>

#include "promql/eval/evaluator.h"
#include "promql/parser/parser.h"
#include "storage/memory_storage.h"

namespace cairn::promql {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto app = db_.NewAppender();
    for (int i = 0; i <= 10; ++i) {
      ASSERT_TRUE(app->Append(0, {{"__name__", "up"}, {"job", "a"}}, i * 60000, i).ok());
      ASSERT_TRUE(app->Append(0, {{"__name__", "up"}, {"job", "b"}}, i * 60000, 2 * i).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  ExprPtr Parse(const std::string& q) {
    auto r = parser::ParseExpr(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
  storage::MemoryStorage db_;
  Engine engine_;
};

TEST_F(EngineTest, InstantVectorStats) {
  auto r = engine_.InstantQuery(db_, *Parse("sum(up)"), 300000, QueryOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto* v = std::get_if<Vector>(&r->value);
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->size(), 1u);
  EXPECT_DOUBLE_EQ((*v)[0].f, 15);
  EXPECT_TRUE((*v)[0].metric.empty());
  EXPECT_EQ(r->stats.total_queryable_samples, 10);  // (0s, 5m] of two series
  // The selector holds one point per series; the lookback window's raw
  // samples are streamed through, not held.
  EXPECT_EQ(r->stats.peak_samples, 2);
}

TEST_F(EngineTest, RangeFunctionHoldsOutputsAndOneWindow) {
  // rate() over 2 series x 11 samples, 11 steps: what is held at the peak is
  // the outputs so far plus one series' current window (at most 5 samples
  // in 5m at a 1m scrape), never the 22 raw samples at once plus outputs.
  auto r = engine_.RangeQuery(db_, *Parse("rate(up[5m])"), 0, 600000, 60000, QueryOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 2u);
  const int64_t outputs = static_cast<int64_t>(m[0].floats.size() + m[1].floats.size());
  EXPECT_EQ(outputs, 20);  // no value at t=0, where the window holds one sample
  EXPECT_GE(r->stats.peak_samples, outputs);
  EXPECT_LE(r->stats.peak_samples, outputs + 5);
  EXPECT_EQ(r->stats.total_queryable_samples, 22);  // every raw sample read once
}

TEST_F(EngineTest, MaxSamplesCountsStreamedWindows) {
  // 11 samples of one series in the window exceed a limit of 10 even though
  // the result is a single point; the window plus that point need 12 (as in
  // Prometheus, the output is added while the window is still held).
  QueryOptions opts;
  opts.max_samples = 11;
  auto r = engine_.InstantQuery(db_, *Parse("sum_over_time(up{job=\"a\"}[20m])"), 600000, opts);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  opts.max_samples = 12;
  EXPECT_TRUE(engine_.InstantQuery(db_, *Parse("sum_over_time(up{job=\"a\"}[20m])"), 600000, opts).ok());
}

TEST_F(EngineTest, StreamedAggregationMatchesTheStepwiseOne) {
  // `x` is aggregated one input series at a time; `x + 0` is not streamable
  // and goes through the step-by-step path. Both must agree bit for bit.
  for (const char* agg : {"sum", "avg", "count", "min", "max", "group", "stddev", "stdvar"}) {
    for (const char* inner : {"up", "rate(up[3m])", "up{job=\"b\"}"}) {
      const std::string a = std::string(agg) + " by (__name__) (" + inner + ")";
      const std::string b = std::string(agg) + " by (__name__) (" + inner + " + 0)";
      auto ra = engine_.RangeQuery(db_, *Parse(a), 0, 600000, 30000, QueryOptions{});
      auto rb = engine_.RangeQuery(db_, *Parse(b), 0, 600000, 30000, QueryOptions{});
      ASSERT_TRUE(ra.ok() && rb.ok()) << a;
      const auto& ma = std::get<Matrix>(ra->value);
      const auto& mb = std::get<Matrix>(rb->value);
      ASSERT_EQ(ma.size(), mb.size()) << a;
      for (size_t i = 0; i < ma.size(); ++i) {
        ASSERT_EQ(ma[i].floats.size(), mb[i].floats.size()) << a;
        for (size_t k = 0; k < ma[i].floats.size(); ++k) {
          EXPECT_EQ(ma[i].floats[k].t_ms, mb[i].floats[k].t_ms) << a;
          EXPECT_EQ(std::bit_cast<uint64_t>(ma[i].floats[k].f), std::bit_cast<uint64_t>(mb[i].floats[k].f)) << a;
        }
      }
    }
  }
}

TEST_F(EngineTest, RangeQueryRejectsBadStep) {
  auto r = engine_.RangeQuery(db_, *Parse("up"), 0, 60000, 0, QueryOptions{});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EngineTest, MaxSamplesLimit) {
  QueryOptions opts;
  opts.max_samples = 5;
  auto r = engine_.InstantQuery(db_, *Parse("sum_over_time(up[10m])"), 600000, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(), "query processing would load too many samples into memory in query execution");
}

TEST_F(EngineTest, MaxMemoryCountsHeldPointsAndSeries) {
  // `up` over 11 steps holds 22 points and 2 series: 22 * 16 bytes of points
  // plus each series' struct and labels, a few hundred bytes in all.
  QueryOptions opts;
  opts.max_memory_bytes = 22 * eval::Evaluator::kPointBytes;  // the points alone fill it
  auto r = engine_.RangeQuery(db_, *Parse("up"), 0, 600000, 60000, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "query processing would use more than 352 bytes of memory (--query.max-memory) in query execution");
  opts.max_memory_bytes = 64 << 10;
  EXPECT_TRUE(engine_.RangeQuery(db_, *Parse("up"), 0, 600000, 60000, opts).ok());
  opts.max_memory_bytes = 0;  // no bound
  EXPECT_TRUE(engine_.RangeQuery(db_, *Parse("up"), 0, 600000, 60000, opts).ok());
}

TEST_F(EngineTest, MaxMemoryCountsLabelBytesOfManySmallSeries) {
  // 1,000 series of one sample each: few samples, but ~100 KB of labels.
  storage::MemoryStorage db;
  auto app = db.NewAppender();
  const std::string pad(100, 'x');
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(app->Append(0, {{"__name__", "wide"}, {"id", std::to_string(i) + pad}}, 60000, i).ok());
  }
  ASSERT_TRUE(app->Commit().ok());
  QueryOptions opts;
  opts.max_memory_bytes = 50 << 10;
  auto r = engine_.InstantQuery(db, *Parse("wide"), 60000, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("--query.max-memory"), std::string::npos);
  // The aggregation's output is one series, but its input is loaded one at
  // a time, so count() fits where the selector alone does not.
  EXPECT_TRUE(engine_.InstantQuery(db, *Parse("count(wide)"), 60000, opts).ok());
  opts.max_memory_bytes = 1 << 20;
  auto ok = engine_.InstantQuery(db, *Parse("wide"), 60000, opts);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(std::get<Vector>(ok->value).size(), 1000u);
}

TEST_F(EngineTest, TooManyStepsFailBeforeAllocating) {
  QueryOptions opts;
  opts.max_samples = 1000;
  auto r = engine_.RangeQuery(db_, *Parse("up"), 0, 10'000'000, 1000, opts);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  auto sq = engine_.InstantQuery(db_, *Parse("max_over_time(up[100d:1s])"), 0, opts);
  EXPECT_EQ(sq.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(EngineTest, Timeout) {
  QueryOptions opts;
  opts.timeout = std::chrono::milliseconds(1);
  // 600k steps take far longer than 1ms; the engine checks the deadline
  // between nodes and every few thousand steps.
  auto r = engine_.RangeQuery(db_, *Parse("sum(up) + sum(up)"), 0, 600000000, 1000, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout);
}

TEST_F(EngineTest, Cancel) {
  std::atomic<bool> cancel{true};
  QueryOptions opts;
  opts.cancel = &cancel;
  auto r = engine_.InstantQuery(db_, *Parse("up"), 0, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCanceled);
}

TEST(EngineNameRemovalTest, AtEachNodeByDefaultDelayedWhenAsked) {
  // Two counters that differ only by name: without delayed name removal
  // (Prometheus' default) rate() makes them equal and fails; with it, the
  // names survive until sum() and the query answers.
  storage::MemoryStorage db;
  auto app = db.NewAppender();
  for (int i = 0; i <= 10; ++i) {
    ASSERT_TRUE(app->Append(0, {{"__name__", "disk_read_bytes"}, {"dev", "a"}}, i * 60000, 10.0 * i).ok());
    ASSERT_TRUE(app->Append(0, {{"__name__", "disk_written_bytes"}, {"dev", "a"}}, i * 60000, 20.0 * i).ok());
    // Equal to the first after dropping names, but only from 11m on: merged, not a duplicate.
    ASSERT_TRUE(app->Append(0, {{"__name__", "disk_late_bytes"}, {"dev", "b"}}, (i + 11) * 60000, 1.0 * i).ok());
    ASSERT_TRUE(app->Append(0, {{"__name__", "disk_early_bytes"}, {"dev", "b"}}, i * 60000, 1.0 * i).ok());
  }
  ASSERT_TRUE(app->Commit().ok());
  Engine engine;
  auto parse = [](const std::string& q) { return std::move(parser::ParseExpr(q)).value(); };
  const std::string both = "{__name__=~\"disk_(read|written)_bytes\"}";
  QueryOptions now;  // the default
  QueryOptions delayed;
  delayed.delayed_name_removal = true;
  for (const std::string& q : {"sum(rate(" + both + "[5m]))", "rate(" + both + "[5m])", "sum(" + both + " * 2)",
                              "max_over_time(rate(" + both + "[5m])[5m:1m])"}) {
    auto r = engine.InstantQuery(db, *parse(q), 600000, now);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.status().code(), StatusCode::kExecution) << q;
    EXPECT_EQ(r.status().message(), "vector cannot contain metrics with the same labelset") << q;
    auto rr = engine.RangeQuery(db, *parse(q), 300000, 600000, 60000, now);
    EXPECT_FALSE(rr.ok()) << q;
  }
  auto sum = engine.InstantQuery(db, *parse("sum(rate(" + both + "[5m]))"), 600000, delayed);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  const auto& v = std::get<Vector>(sum->value);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_DOUBLE_EQ(v[0].f, 0.5);  // 10/60 + 20/60 per second
  // The same name-less label set at different steps merges in both modes.
  for (const auto& opts : {now, delayed}) {
    auto merged = engine.RangeQuery(db, *parse("sum by (dev) (rate({__name__=~\"disk_(early|late)_bytes\"}[3m]))"),
                                    0, 1200000, 60000, opts);
    ASSERT_TRUE(merged.ok()) << merged.status().ToString();
    EXPECT_EQ(std::get<Matrix>(merged->value).size(), 1u);
  }
}

}  // namespace
}  // namespace cairn::promql
