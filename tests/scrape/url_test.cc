#include "scrape/http/url.h"

#include <gtest/gtest.h>

namespace cairn::scrape::http {
namespace {

TEST(UrlTest, ParsesParts) {
  auto u = ParseUrl("https://user:pw@Example.com:8443/metrics?x=1#frag");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->userinfo, "user:pw");
  EXPECT_EQ(u->host, "Example.com");
  EXPECT_EQ(u->port, "8443");
  EXPECT_EQ(u->target, "/metrics?x=1");
  EXPECT_EQ(u->Authority(), "Example.com:8443");
  EXPECT_EQ(u->ToString(), "https://Example.com:8443/metrics?x=1");
}

TEST(UrlTest, DefaultPortsAndPaths) {
  auto u = ParseUrl("http://h");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, "80");
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->Authority(), "h");
  EXPECT_EQ(ParseUrl("https://h?q")->target, "/?q");
  EXPECT_EQ(ParseUrl("https://h")->port, "443");
  auto v6 = ParseUrl("http://[::1]:9100/metrics");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->Authority(), "[::1]:9100");
}

TEST(UrlTest, Errors) {
  EXPECT_EQ(ParseUrl("ftp://h/").status().message(), "unsupported protocol scheme \"ftp\"");
  EXPECT_EQ(ParseUrl("h:9100/metrics").status().message(), "unsupported protocol scheme \"\"");
  EXPECT_EQ(ParseUrl("http:///metrics").status().message(), "http: no Host in request URL");
  EXPECT_FALSE(ParseUrl("http://h:port/").ok());
}

TEST(UrlTest, ResolveLocation) {
  auto base = *ParseUrl("http://h:1/a/b/metrics?x=1");
  EXPECT_EQ(ResolveLocation(base, "/other")->ToString(), "http://h:1/other");
  EXPECT_EQ(ResolveLocation(base, "c")->ToString(), "http://h:1/a/b/c");
  EXPECT_EQ(ResolveLocation(base, "../c?y=2")->ToString(), "http://h:1/a/c?y=2");
  EXPECT_EQ(ResolveLocation(base, "?y=2")->ToString(), "http://h:1/a/b/metrics?y=2");
  EXPECT_EQ(ResolveLocation(base, "//g:2/x")->ToString(), "http://g:2/x");
  EXPECT_EQ(ResolveLocation(base, "https://g/x")->ToString(), "https://g/x");
  EXPECT_EQ(ResolveLocation(base, "/a/./b/../c/")->ToString(), "http://h:1/a/c/");
}

}  // namespace
}  // namespace cairn::scrape::http
