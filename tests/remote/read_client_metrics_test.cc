// ReadClient's counting in ReadMetrics, as Prometheus 2.42's Client.Read:
// every HTTP answer by status code with its duration, nothing for a request
// that got no answer, nothing left in flight; endpoints are kept apart by
// (remote_name, url) and survive their clients.
#include "remote/read_client.h"

#include <gtest/gtest.h>

#include "tests/scrape/recording_http_server.h"

namespace cairn::remote {
namespace {

using testing::CannedResponse;
using testing::RecordedRequest;
using testing::RecordingServer;

prometheus::Query AnyQuery() {
  prometheus::Query q;
  q.set_start_timestamp_ms(0);
  q.set_end_timestamp_ms(1000);
  auto* m = q.add_matchers();
  m->set_name("__name__");
  m->set_value("up");
  return q;
}

TEST(ReadClientMetricsTest, CountsAnswersByCodeWithTheirDuration) {
  RecordingServer rx;
  int calls = 0;
  rx.set_responder([&](const RecordedRequest&) {
    CannedResponse r;
    r.status = calls++ == 0 ? 500 : 404;
    r.body = "nope";
    return r;
  });
  ReadMetrics metrics;
  RemoteReadConfig cfg;
  cfg.url = rx.url("/api/v1/read");
  cfg.name = "primary";
  cfg.remote_timeout_ms = 5000;
  {
    auto client = ReadClient::Create(cfg, &metrics);
    ASSERT_TRUE(client.ok());
    EXPECT_FALSE((*client)->Read(AnyQuery()).ok());
    EXPECT_FALSE((*client)->Read(AnyQuery()).ok());
  }
  // A client rebuilt (a reload) counts on in the same endpoint.
  auto again = ReadClient::Create(cfg, &metrics);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)->Read(AnyQuery()).ok());

  // No answer at all: not counted (upstream counts codes only).
  RemoteReadConfig dead = cfg;
  dead.name = "dead";
  dead.url = "http://127.0.0.1:1/api/v1/read";
  auto refused = ReadClient::Create(dead, &metrics);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE((*refused)->Read(AnyQuery()).ok());

  const std::vector<ReadFigures> figs = metrics.Figures();
  ASSERT_EQ(figs.size(), 2u);
  const ReadFigures& d = figs[0].remote_name == "dead" ? figs[0] : figs[1];
  const ReadFigures& p = figs[0].remote_name == "primary" ? figs[0] : figs[1];
  EXPECT_EQ(p.url, cfg.url);
  EXPECT_EQ(p.answered_by_code, (std::map<int, uint64_t>{{404, 2}, {500, 1}}));
  EXPECT_EQ(p.duration_count, 3u);
  EXPECT_EQ(p.duration_buckets.back(), 3u);  // all under 60 s
  EXPECT_GT(p.duration_sum, 0.0);
  EXPECT_EQ(p.in_flight, 0);
  EXPECT_TRUE(d.answered_by_code.empty());
  EXPECT_EQ(d.duration_count, 0u);
  EXPECT_EQ(d.in_flight, 0);
}

TEST(ReadClientMetricsTest, BucketsAreUpstreamsDefBucketsPlus25And60) {
  EXPECT_EQ(ReadMetrics::DurationBounds(),
            (std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 60}));
  ReadMetrics m;
  ReadMetrics::Endpoint* e = m.For("r", "u");
  e->Answered(200, 0.003);
  e->Answered(200, 0.3);
  e->Answered(200, 100);
  const ReadFigures f = m.Figures().at(0);
  EXPECT_EQ(f.duration_buckets[0], 1u);   // le 0.005
  EXPECT_EQ(f.duration_buckets[6], 2u);   // le 0.5
  EXPECT_EQ(f.duration_buckets[12], 2u);  // le 60
  EXPECT_EQ(f.duration_count, 3u);
}

}  // namespace
}  // namespace cairn::remote
