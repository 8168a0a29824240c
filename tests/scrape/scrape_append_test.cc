// AppendScrape: a scrape body into appends, with the target's labels, the
// cache, staleness, limits and metric relabeling as Prometheus' scrape loop.
#include "scrape/scrape_append.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "storage/sample.h"

namespace cairn::scrape {
namespace {

namespace expo = ingest::exposition;

// Records appends; refs are handed out per label set, and a ref given back
// must match the labels it was issued for.
class RecordingAppender final : public storage::Appender {
 public:
  struct Row {
    std::string labels;
    int64_t t;
    double v;
    bool by_ref;
  };
  Result<storage::SeriesRef> Append(storage::SeriesRef ref, const storage::Labels& labels, int64_t t_ms, double v,
                                    const storage::AppendOptions& = {}) override {
    const std::string key = labels.ToString();
    // Like the storage: the same series and timestamp with other value bits is refused.
    for (const auto& r : rows) {
      if (r.labels == key && r.t == t_ms && std::memcmp(&r.v, &v, sizeof v) != 0) {
        return Status::DuplicateSample("duplicate sample for timestamp");
      }
    }
    // Like DB with --storage.max-series: a new series past the bound is refused.
    if (max_series > 0 && refs_->size() >= max_series && refs_->count(key) == 0) {
      return Status::ResourceExhausted("per-server series limit reached");
    }
    auto [it, inserted] = refs_->try_emplace(key, refs_->size() + 1);
    if (ref != 0) EXPECT_EQ(ref, it->second) << key;
    rows.push_back({key, t_ms, v, ref != 0});
    return it->second;
  }
  Status UpdateMetadata(const std::string&, const storage::Metadata&) override { return Status::OK(); }
  Status Commit() override { return Status::OK(); }
  void Rollback() override { rows.clear(); }

  explicit RecordingAppender(std::map<std::string, storage::SeriesRef>* refs) : refs_(refs) {}
  std::vector<Row> rows;
  size_t max_series = 0;
  const Row* Find(const std::string& labels) const {
    for (const auto& r : rows) {
      if (r.labels == labels) return &r;
    }
    return nullptr;
  }

 private:
  std::map<std::string, storage::SeriesRef>* refs_;
};

class ScrapeAppendTest : public ::testing::Test {
 protected:
  AppendResult Scrape(std::string_view body, int64_t t, expo::Format f = expo::Format::kPrometheusText) {
    app_ = std::make_unique<RecordingAppender>(&refs_);
    app_->max_series = max_series_;
    return AppendScrape(*app_, cache_, target_, rules_, f, body, t);
  }
  storage::Labels target_{{"job", "node"}, {"instance", "h:9100"}};
  SampleRules rules_;
  size_t max_series_ = 0;
  ScrapeCache cache_;
  std::map<std::string, storage::SeriesRef> refs_;
  std::unique_ptr<RecordingAppender> app_;
};

TEST_F(ScrapeAppendTest, AddsTargetLabelsAndReusesRefs) {
  const std::string body = "# TYPE a counter\na_total 1\nb{x=\"1\"} 2\n";
  AppendResult r = Scrape(body, 1000);
  ASSERT_TRUE(r.error.ok()) << r.error.ToString();
  EXPECT_EQ(r.total, 2);
  EXPECT_EQ(r.added, 2);
  EXPECT_EQ(r.series_added, 2);
  const auto* a = app_->Find("a_total{instance=\"h:9100\", job=\"node\"}");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->t, 1000);
  EXPECT_EQ(a->v, 1);
  EXPECT_FALSE(a->by_ref);

  r = Scrape(body, 2000);
  ASSERT_TRUE(r.error.ok());
  EXPECT_EQ(r.series_added, 0);
  ASSERT_EQ(app_->rows.size(), 2u);
  for (const auto& row : app_->rows) EXPECT_TRUE(row.by_ref) << row.labels;
}

TEST_F(ScrapeAppendTest, SeriesLimitDropsNewSeriesAndKeepsTheScrape) {
  max_series_ = 2;
  const std::string body = "a 1\nb 2\nc 3\nd 4\n";
  AppendResult r = Scrape(body, 1000);
  ASSERT_TRUE(r.error.ok()) << r.error.ToString();
  EXPECT_EQ(r.total, 4);
  EXPECT_EQ(r.added, 2);
  EXPECT_EQ(r.series_added, 2);
  EXPECT_EQ(r.series_limit_refused, 2);
  EXPECT_NE(app_->Find("a{instance=\"h:9100\", job=\"node\"}"), nullptr);
  EXPECT_EQ(app_->Find("c{instance=\"h:9100\", job=\"node\"}"), nullptr);
  // The refused series are not cached: they are tried again, and the known
  // ones keep flowing.
  r = Scrape(body, 2000);
  ASSERT_TRUE(r.error.ok());
  EXPECT_EQ(r.added, 2);
  EXPECT_EQ(r.series_limit_refused, 2);
}

TEST_F(ScrapeAppendTest, VanishedSeriesGetStaleMarkers) {
  ASSERT_TRUE(Scrape("a 1\nb 2\nc 3 500\n", 1000).error.ok());
  ASSERT_TRUE(Scrape("a 1\n", 2000).error.ok());
  const auto* b = app_->Find("b{instance=\"h:9100\", job=\"node\"}");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(storage::IsStaleNaN(b->v));
  EXPECT_EQ(b->t, 2000);
  // c had an explicit timestamp: no marker.
  EXPECT_EQ(app_->Find("c{instance=\"h:9100\", job=\"node\"}"), nullptr);
  // An empty body (a failed scrape) marks everything of the last scrape.
  ASSERT_TRUE(Scrape("", 3000).error.ok());
  ASSERT_EQ(app_->rows.size(), 1u);
  EXPECT_EQ(app_->rows[0].labels, "a{instance=\"h:9100\", job=\"node\"}");
  EXPECT_TRUE(storage::IsStaleNaN(app_->rows[0].v));
}

TEST_F(ScrapeAppendTest, NoStaleMarkerWhileTheLabelsComeFromAnotherRawSeries) {
  // Metric relabeling maps a{x="1"} and a{x="2"} to the same series: when
  // the exposition switches from one to the other, that series is not stale.
  ingest::RelabelConfig drop_x;
  drop_x.regex = ingest::RelabelRegexp::Compile("x").value();
  drop_x.action = ingest::RelabelAction::kLabelDrop;
  rules_.metric_relabel = ingest::MakeRelabelRules({drop_x}, storage::NameValidationScheme::kUtf8).value();
  ASSERT_TRUE(Scrape("a{x=\"1\"} 1\nb 1\n", 1000).error.ok());
  ASSERT_TRUE(Scrape("a{x=\"2\"} 1\n", 2000).error.ok());
  ASSERT_EQ(app_->rows.size(), 2u);
  EXPECT_EQ(app_->rows[0].labels, "a{instance=\"h:9100\", job=\"node\"}");
  EXPECT_FALSE(storage::IsStaleNaN(app_->rows[0].v));
  EXPECT_EQ(app_->rows[1].labels, "b{instance=\"h:9100\", job=\"node\"}");
  EXPECT_TRUE(storage::IsStaleNaN(app_->rows[1].v));
  // Both raw series gone: one marker for their one series.
  ASSERT_TRUE(Scrape("", 3000).error.ok());
  ASSERT_EQ(app_->rows.size(), 1u);
  EXPECT_TRUE(storage::IsStaleNaN(app_->rows[0].v));
}

TEST_F(ScrapeAppendTest, CacheForgetsSeriesUnseenForTenScrapes) {
  ASSERT_TRUE(Scrape("a 1\nb 1\n", 1000).error.ok());
  EXPECT_EQ(cache_.size(), 2u);
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(Scrape("a 1\n", 1000 + i * 1000).error.ok());
  EXPECT_EQ(cache_.size(), 2u);  // b unseen for 10 scrapes: still kept
  ASSERT_TRUE(Scrape("a 1\n", 12000).error.ok());
  EXPECT_EQ(cache_.size(), 1u);
  // Failed scrapes (empty bodies) forget nothing.
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(Scrape("", 13000 + i * 1000).error.ok());
  EXPECT_EQ(cache_.size(), 1u);
  // b comes back as a new series.
  AppendResult r = Scrape("a 1\nb 2\n", 30000);
  EXPECT_EQ(r.series_added, 1);
  EXPECT_EQ(cache_.size(), 2u);
}

TEST_F(ScrapeAppendTest, TrackTimestampsStaleness) {
  rules_.track_timestamps_staleness = true;
  ASSERT_TRUE(Scrape("c 3 500\n", 1000).error.ok());
  ASSERT_TRUE(Scrape("", 2000).error.ok());
  ASSERT_EQ(app_->rows.size(), 1u);
  EXPECT_TRUE(storage::IsStaleNaN(app_->rows[0].v));
}

TEST_F(ScrapeAppendTest, HonorTimestamps) {
  ASSERT_TRUE(Scrape("c 3 500\n", 1000).error.ok());
  EXPECT_EQ(app_->rows[0].t, 500);
  rules_.honor_timestamps = false;
  ScrapeCache fresh;
  RecordingAppender app(&refs_);
  ASSERT_TRUE(AppendScrape(app, fresh, target_, rules_, expo::Format::kPrometheusText, "c 3 500\n", 1000).error.ok());
  EXPECT_EQ(app.rows[0].t, 1000);
}

TEST_F(ScrapeAppendTest, ClashingLabelsAreExported) {
  EXPECT_EQ(MergeTargetLabels({{"__name__", "m"}, {"job", "x"}, {"exported_job", "y"}}, target_, false).ToString(),
            "m{exported_exported_job=\"x\", exported_job=\"y\", instance=\"h:9100\", job=\"node\"}");
  EXPECT_EQ(MergeTargetLabels({{"__name__", "m"}, {"job", "x"}}, target_, true).ToString(),
            "m{instance=\"h:9100\", job=\"x\"}");
  // An empty scraped value is no clash.
  EXPECT_EQ(MergeTargetLabels({{"__name__", "m"}}, target_, false).ToString(), "m{instance=\"h:9100\", job=\"node\"}");
}

// postgres_exporter exposes datname="" for shared objects: Prometheus' labels
// builder drops empty values, so the series has no such label.
TEST_F(ScrapeAppendTest, EmptyExposedLabelValuesAreNoLabels) {
  ASSERT_TRUE(Scrape("pg_x{datid=\"0\",datname=\"\"} 1\n", 1000).error.ok());
  ASSERT_EQ(app_->rows.size(), 1u);
  EXPECT_EQ(app_->rows[0].labels, "pg_x{datid=\"0\", instance=\"h:9100\", job=\"node\"}");
  // With honor_labels an exposed job="" still wins over the target's job, and then goes.
  EXPECT_EQ(MergeTargetLabels({{"__name__", "m"}, {"job", ""}}, target_, true).ToString(),
            "m{instance=\"h:9100\"}");
}

TEST_F(ScrapeAppendTest, MetricRelabelingDropsAndIsRemembered) {
  ingest::RelabelConfig drop;
  drop.source_labels = {"__name__"};
  drop.source_labels_given = true;
  drop.regex = ingest::RelabelRegexp::Compile("go_.*").value();
  drop.action = ingest::RelabelAction::kDrop;
  rules_.metric_relabel = ingest::MakeRelabelRules({drop}, storage::NameValidationScheme::kUtf8).value();
  AppendResult r = Scrape("go_goroutines 7\nup_time 3\n", 1000);
  ASSERT_TRUE(r.error.ok());
  EXPECT_EQ(r.total, 2);
  EXPECT_EQ(r.added, 1);
  ASSERT_EQ(app_->rows.size(), 1u);
  EXPECT_EQ(app_->rows[0].labels, "up_time{instance=\"h:9100\", job=\"node\"}");
  r = Scrape("go_goroutines 8\nup_time 4\n", 2000);
  EXPECT_EQ(r.added, 1);
}

TEST_F(ScrapeAppendTest, LimitsFailTheScrape) {
  rules_.sample_limit = 2;
  AppendResult over = Scrape("a 1\nb 1\nc 1\n", 1000);
  EXPECT_EQ(over.error.message(), "sample limit exceeded");
  EXPECT_TRUE(over.sample_limit_exceeded);
  EXPECT_FALSE(over.label_limits_exceeded);
  rules_.sample_limit = 0;
  rules_.label_limit = 3;
  AppendResult labels = Scrape("d{a=\"1\",b=\"2\"} 1\n", 1000);
  EXPECT_EQ(labels.error.message(), "label_limit exceeded (metric: d, number of labels: 5, limit: 3)");
  EXPECT_TRUE(labels.label_limits_exceeded);
  EXPECT_FALSE(labels.sample_limit_exceeded);
  rules_.label_limit = 0;
  rules_.label_value_length_limit = 3;
  EXPECT_EQ(Scrape("e{a=\"toolong\"} 1\n", 1000).error.message(),
            "label_value_length_limit exceeded (metric: e, label name: a, value: \"toolong\", length: 7, limit: 3)");
  rules_.label_value_length_limit = 0;
  // __name__ counts too (8 bytes), as upstream checks every label.
  rules_.label_name_length_limit = 8;
  EXPECT_EQ(Scrape("f{abcdefghij=\"1\"} 1\n", 1000).error.message(),
            "label_name_length_limit exceeded (metric: f, label name: abcdefghij, length: 10, limit: 8)");
  rules_.label_name_length_limit = 4;
  EXPECT_EQ(Scrape("g 1\n", 1000).error.message(),
            "label_name_length_limit exceeded (metric: g, label name: __name__, length: 8, limit: 4)");
}

// The storage refusing a sample (same timestamp, other value) loses that
// sample only, and is counted for prometheus_target_scrapes_sample_duplicate_timestamp_total.
TEST_F(ScrapeAppendTest, DuplicateTimestampsAreCounted) {
  AppendResult r = Scrape("a 1 500\na 2 500\nb 1\n", 1000);
  ASSERT_TRUE(r.error.ok()) << r.error.ToString();
  EXPECT_EQ(r.duplicate_timestamps, 1);
  EXPECT_EQ(r.added, 2);
}

TEST_F(ScrapeAppendTest, MalformedInputFailsWithTheParserMessage) {
  AppendResult r = Scrape("a 1\nb{ 2\n", 1000);
  EXPECT_FALSE(r.error.ok());
  EXPECT_FALSE(r.error.message().empty());
  // OpenMetrics needs # EOF.
  EXPECT_FALSE(Scrape("a 1\n", 1000, expo::Format::kOpenMetrics).error.ok());
  EXPECT_TRUE(Scrape("a 1\n# EOF\n", 1000, expo::Format::kOpenMetrics).error.ok());
}

TEST_F(ScrapeAppendTest, MetadataOfFamilies) {
  ASSERT_TRUE(Scrape("# HELP a_total Things.\n# TYPE a_total counter\na_total 1\n", 1000).error.ok());
  auto md = cache_.metadata();
  ASSERT_EQ(md.count("a_total"), 1u);
  EXPECT_EQ(md["a_total"].type, storage::MetricType::kCounter);
  EXPECT_EQ(md["a_total"].help, "Things.");
}

TEST_F(ScrapeAppendTest, OnlyChangedMetadataReachesTheSink) {
  struct Sink : ingest::MetadataSink {
    void Record(std::string_view family, const storage::Metadata& md) override {
      seen.push_back(std::string(family) + ":" + md.help);
    }
    std::vector<std::string> seen;
  } sink;
  auto scrape = [&](std::string_view body) {
    RecordingAppender app(&refs_);
    ASSERT_TRUE(AppendScrape(app, cache_, target_, rules_, expo::Format::kPrometheusText, body, 1000, &sink).error.ok());
  };
  scrape("# HELP a Old.\n# TYPE a gauge\na 1\n");
  EXPECT_EQ(sink.seen, std::vector<std::string>{"a:Old."});
  scrape("# HELP a Old.\n# TYPE a gauge\na 1\n");
  EXPECT_EQ(sink.seen.size(), 1u);
  scrape("# HELP a New.\n# TYPE a gauge\na 1\n");
  EXPECT_EQ(sink.seen, (std::vector<std::string>{"a:Old.", "a:New."}));
}

}  // namespace
}  // namespace cairn::scrape
