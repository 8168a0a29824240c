#include "ingest/exposition/scrape_negotiation.h"

#include <gtest/gtest.h>

namespace cairn::ingest::exposition {
namespace {

TEST(ScrapeNegotiationTest, DefaultAcceptHeaderIsPrometheus3s) {
  Result<std::string> h = ScrapeAcceptHeader(DefaultScrapeProtocols());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h,
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            "application/openmetrics-text;version=0.0.1;q=0.5,"
            "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
            "text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
}

TEST(ScrapeNegotiationTest, AcceptHeaderFollowsTheConfiguredOrder) {
  Result<std::string> h = ScrapeAcceptHeader(
      {ScrapeProtocol::kPrometheusText0_0_4, ScrapeProtocol::kOpenMetricsText1_0_0}, "underscores");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h,
            "text/plain;version=0.0.4;q=0.6,"
            "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,*/*;q=0.4");
  EXPECT_EQ(*ScrapeAcceptHeader({ScrapeProtocol::kPrometheusText1_0_0}),
            "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.6,*/*;q=0.5");
}

TEST(ScrapeNegotiationTest, ProtobufIsNotSupported) {
  Result<std::string> h = ScrapeAcceptHeader({ScrapeProtocol::kPrometheusProto, ScrapeProtocol::kPrometheusText0_0_4});
  EXPECT_EQ(h.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(h.status().message(),
            "scrape protocol PrometheusProto is not supported by Cairn (it parses the text formats only)");
  EXPECT_EQ(CheckSupported(ScrapeProtocol::kPrometheusProto).code(), StatusCode::kUnsupported);
  EXPECT_TRUE(CheckSupported(ScrapeProtocol::kOpenMetricsText0_0_1).ok());
}

TEST(ScrapeNegotiationTest, ProtocolNames) {
  for (ScrapeProtocol p : {ScrapeProtocol::kPrometheusProto, ScrapeProtocol::kOpenMetricsText1_0_0,
                           ScrapeProtocol::kOpenMetricsText0_0_1, ScrapeProtocol::kPrometheusText1_0_0,
                           ScrapeProtocol::kPrometheusText0_0_4}) {
    EXPECT_EQ(*ParseScrapeProtocol(ScrapeProtocolName(p)), p);
  }
  EXPECT_EQ(ScrapeProtocolHeader(ScrapeProtocol::kPrometheusProto),
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
  EXPECT_EQ(ParseScrapeProtocol("prometheustext0.0.4").status().message(),
            "unknown scrape protocol prometheustext0.0.4, supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 "
            "PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]");
}

TEST(ScrapeNegotiationTest, ProtocolListsAreCheckedAsUpstream) {
  EXPECT_EQ(ParseScrapeProtocols({}).status().message(), "scrape_protocols cannot be empty");
  EXPECT_EQ(ParseScrapeProtocols({"PrometheusText0.0.4", "prometheustext0.0.4"}).status().message(),
            "duplicated protocol in scrape_protocols, got [PrometheusText0.0.4 prometheustext0.0.4]");
  EXPECT_EQ(ParseScrapeProtocols({"PrometheusText0.0.4", "Foo"}).status().message(),
            "scrape_protocols: unknown scrape protocol Foo, supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 "
            "PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]");
  EXPECT_EQ(ParseScrapeProtocols({"PrometheusProto"}).status().code(), StatusCode::kUnsupported);
  Result<std::vector<ScrapeProtocol>> ok = ParseScrapeProtocols({"OpenMetricsText1.0.0", "PrometheusText0.0.4"});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (std::vector<ScrapeProtocol>{ScrapeProtocol::kOpenMetricsText1_0_0,
                                              ScrapeProtocol::kPrometheusText0_0_4}));
}

TEST(ScrapeNegotiationTest, AcceptEncoding) {
  EXPECT_EQ(ScrapeAcceptEncoding(true), "gzip");
  EXPECT_EQ(ScrapeAcceptEncoding(false), "identity");
}

TEST(ScrapeNegotiationTest, ContentTypePicksTheParser) {
  struct Case {
    std::string content_type;
    Format want;
  };
  for (const Case& c : std::vector<Case>{
           {"text/plain; version=0.0.4; charset=utf-8", Format::kPrometheusText},
           {"text/plain;version=1.0.0;escaping=allow-utf-8", Format::kPrometheusText},
           {"TEXT/Plain", Format::kPrometheusText},
           {"application/openmetrics-text; version=1.0.0; charset=utf-8", Format::kOpenMetrics},
           {"application/openmetrics-text;version=0.0.1", Format::kOpenMetrics},
           {" application/openmetrics-text ;", Format::kOpenMetrics},
           {"text/plain; charset=\"utf-8\"", Format::kPrometheusText},
       }) {
    Result<ScrapeFormat> f = SelectScrapeFormat(c.content_type, std::nullopt);
    ASSERT_TRUE(f.ok()) << c.content_type << ": " << f.status().ToString();
    EXPECT_EQ(f->format, c.want) << c.content_type;
    EXPECT_EQ(f->warning, "");
  }
}

TEST(ScrapeNegotiationTest, MissingOrUnknownTypesNeedAFallback) {
  EXPECT_EQ(SelectScrapeFormat("", std::nullopt).status().message(),
            "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for "
            "target");
  EXPECT_EQ(SelectScrapeFormat("text/html", std::nullopt).status().message(),
            "received unsupported Content-Type \"text/html\" and no fallback_scrape_protocol specified for target");
  EXPECT_EQ(SelectScrapeFormat("text", std::nullopt).status().message(),
            "received unsupported Content-Type \"text\" and no fallback_scrape_protocol specified for target");
  EXPECT_EQ(SelectScrapeFormat("text/", std::nullopt).status().message(),
            "cannot parse Content-Type \"text/\" and no fallback_scrape_protocol for target\n"
            "mime: expected token after slash");
  EXPECT_EQ(SelectScrapeFormat("/plain", std::nullopt).status().message(),
            "cannot parse Content-Type \"/plain\" and no fallback_scrape_protocol for target\nmime: no media type");
  EXPECT_EQ(SelectScrapeFormat("text/plain; version", std::nullopt).status().message(),
            "cannot parse Content-Type \"text/plain; version\" and no fallback_scrape_protocol for target\n"
            "mime: invalid media parameter");
  EXPECT_EQ(SelectScrapeFormat("text/plain; a=1; A=2", std::nullopt).status().message(),
            "cannot parse Content-Type \"text/plain; a=1; A=2\" and no fallback_scrape_protocol for target\n"
            "mime: duplicate parameter name");
  EXPECT_EQ(SelectScrapeFormat("text/plain x", std::nullopt).status().message(),
            "cannot parse Content-Type \"text/plain x\" and no fallback_scrape_protocol for target\n"
            "mime: unexpected content after media subtype");
  EXPECT_EQ(SelectScrapeFormat("te:xt/plain", std::nullopt).status().message(),
            "cannot parse Content-Type \"te:xt/plain\" and no fallback_scrape_protocol for target\n"
            "mime: expected slash after first token");

  Result<ScrapeFormat> f = SelectScrapeFormat("", ScrapeProtocol::kOpenMetricsText1_0_0);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->format, Format::kOpenMetrics);
  EXPECT_EQ(f->warning,
            "non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol "
            "\"application/openmetrics-text\"");
  f = SelectScrapeFormat("text/html", ScrapeProtocol::kPrometheusText0_0_4);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->format, Format::kPrometheusText);
  EXPECT_EQ(f->warning,
            "received unsupported Content-Type \"text/html\", using fallback_scrape_protocol \"text/plain\"");
  f = SelectScrapeFormat("text/", ScrapeProtocol::kPrometheusText1_0_0);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->warning,
            "could not parse received Content-Type \"text/\", using fallback_scrape_protocol \"text/plain\"\n"
            "mime: expected token after slash");
}

TEST(ScrapeNegotiationTest, ProtobufResponsesFail) {
  Result<ScrapeFormat> f = SelectScrapeFormat(
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited",
      ScrapeProtocol::kPrometheusText0_0_4);
  EXPECT_EQ(f.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(SelectScrapeFormat("", ScrapeProtocol::kPrometheusProto).status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace cairn::ingest::exposition
