// Target labels as Prometheus' PopulateLabels builds them, the scrape URL and
// the hash-spread offset.
#include "scrape/target.h"

#include <gtest/gtest.h>

namespace cairn::scrape {
namespace {

TargetDefaults Job() {
  TargetDefaults d;
  d.job_name = "node";
  d.scrape_interval_ms = 15000;
  d.scrape_timeout_ms = 10000;
  return d;
}

ingest::RelabelRule Rule(ingest::RelabelConfig c) { return ingest::RelabelRule::Make(std::move(c)).value(); }

TEST(TargetTest, DefaultsAndInstance) {
  auto r = PopulateTargetLabels({{"__address__", "h:9100"}, {"__meta_x", "m"}}, {{"env", "prod"}}, Job(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->discovered.ToString(),
            "{__address__=\"h:9100\", __meta_x=\"m\", __metrics_path__=\"/metrics\", __scheme__=\"http\", "
            "__scrape_interval__=\"15s\", __scrape_timeout__=\"10s\", env=\"prod\", job=\"node\"}");
  EXPECT_EQ(PublicLabels(r->labels).ToString(), "{env=\"prod\", instance=\"h:9100\", job=\"node\"}");
  EXPECT_FALSE(r->labels.Has("__meta_x"));
  EXPECT_EQ(ScrapeUrl(r->labels, {}), "http://h:9100/metrics");
}

TEST(TargetTest, TargetLabelsWinOverGroupLabels) {
  auto r = PopulateTargetLabels({{"__address__", "h:1"}, {"env", "a"}}, {{"env", "b"}}, Job(), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->labels.Get("env"), "a");
}

TEST(TargetTest, RelabelingDropsAndRewrites) {
  ingest::RelabelConfig keep;
  keep.source_labels = {"env"};
  keep.source_labels_given = true;
  keep.regex = ingest::RelabelRegexp::Compile("prod").value();
  keep.action = ingest::RelabelAction::kKeep;
  std::vector<ingest::RelabelRule> rules = {Rule(keep)};
  auto dropped = PopulateTargetLabels({{"__address__", "h:1"}, {"env", "dev"}}, {}, Job(), rules);
  ASSERT_TRUE(dropped.ok());
  EXPECT_TRUE(dropped->labels.empty());
  EXPECT_FALSE(dropped->discovered.empty());

  ingest::RelabelConfig addr;
  addr.source_labels = {"__address__"};
  addr.source_labels_given = true;
  addr.target_label = "__param_target";
  ingest::RelabelConfig to_blackbox;
  to_blackbox.target_label = "__address__";
  to_blackbox.replacement = "bb:9115";
  ingest::RelabelConfig inst;
  inst.source_labels = {"__param_target"};
  inst.source_labels_given = true;
  inst.target_label = "instance";
  TargetDefaults d = Job();
  d.metrics_path = "/probe";
  d.params["module"] = {"http_2xx"};
  auto probe = PopulateTargetLabels({{"__address__", "https://site/a b"}}, {}, d,
                                    std::vector<ingest::RelabelRule>{Rule(addr), Rule(to_blackbox), Rule(inst)});
  ASSERT_TRUE(probe.ok()) << probe.status().ToString();
  EXPECT_EQ(probe->labels.Get("instance"), "https://site/a b");
  EXPECT_EQ(ScrapeUrl(probe->labels, d.params), "http://bb:9115/probe?module=http_2xx&target=https%3A%2F%2Fsite%2Fa+b");
}

TEST(TargetTest, InvalidTargets) {
  EXPECT_EQ(PopulateTargetLabels({{"x", "y"}}, {}, Job(), {}).status().message(), "no address");
  EXPECT_EQ(PopulateTargetLabels({{"__address__", "h/x"}}, {}, Job(), {}).status().message(),
            "\"h/x\" is not a valid hostname");
  EXPECT_EQ(PopulateTargetLabels({{"__address__", "h:1"}, {"__scrape_timeout__", "20s"}}, {}, Job(), {})
                .status()
                .message(),
            "scrape timeout cannot be greater than scrape interval (\"20s\" > \"15s\")");
  EXPECT_EQ(PopulateTargetLabels({{"__address__", "h:1"}, {"__scrape_interval__", "0s"}}, {}, Job(), {})
                .status()
                .message(),
            "scrape interval cannot be 0");
}

TEST(TargetTest, OffsetIsWithinTheIntervalAndStable) {
  auto r = PopulateTargetLabels({{"__address__", "h:9100"}}, {}, Job(), {});
  ASSERT_TRUE(r.ok());
  Target t(r->labels, r->discovered, {});
  EXPECT_EQ(t.interval_ms(), 15000);
  EXPECT_EQ(t.timeout_ms(), 10000);
  // The first scrape lands at the same phase of the interval whenever the
  // loop starts.
  for (int64_t now : {1'700'000'000'000LL, 1'700'000'003'217LL, 1'700'000'011'999LL}) {
    const int64_t off = t.OffsetMs(now, 0);
    EXPECT_GE(off, 0);
    EXPECT_LE(off, 15000);
    EXPECT_EQ((now + off) % 15000, (1'700'000'000'000LL + t.OffsetMs(1'700'000'000'000LL, 0)) % 15000);
  }
}

}  // namespace
}  // namespace cairn::scrape
