#include "exporters/blackbox/http_message.h"

#include <gtest/gtest.h>

namespace cairn::blackbox {
namespace {

TEST(BlackboxHttpMessage, Urls) {
  auto u = ParseUrl("https://user:pw@[::1]:8443/a/b?x=1#frag").value();
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, "8443");
  EXPECT_EQ(u.path_query, "/a/b?x=1");
  EXPECT_EQ(u.HostPort(), "[::1]:8443");
  EXPECT_EQ(ParseUrl("http://example.test").value().path_query, "/");
  EXPECT_EQ(ParseUrl("http://example.test").value().PortOrDefault(), 80);
  EXPECT_FALSE(ParseUrl("ftp://x/").ok());
  EXPECT_FALSE(ParseUrl("http://x:port/").ok());

  Url base = ParseUrl("http://h:1/dir/page?q").value();
  EXPECT_EQ(ResolveUrl(base, "/abs").value().String(), "http://h:1/abs");
  EXPECT_EQ(ResolveUrl(base, "rel").value().String(), "http://h:1/dir/rel");
  EXPECT_EQ(ResolveUrl(base, "https://other/x").value().String(), "https://other/x");
  EXPECT_EQ(ResolveUrl(base, "//other:2/y").value().String(), "http://other:2/y");
}

TEST(BlackboxHttpMessage, ResponseHead) {
  HttpResponseHead head;
  std::string text = "HTTP/1.1 302 Found\r\nlocation: /next\r\ncontent-length: 5\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\nhello";
  EXPECT_EQ(ParseResponseHead(text.substr(0, 20), &head).value(), 0u);
  auto used = ParseResponseHead(text, &head);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(text.substr(used.value()), "hello");
  EXPECT_EQ(head.proto, "HTTP/1.1");
  EXPECT_EQ(head.status, 302);
  EXPECT_EQ(head.Get("Location"), "/next");
  EXPECT_EQ(head.content_length, 5);
  EXPECT_EQ(head.Values("Set-Cookie").size(), 2u);
  HttpResponseHead bad;
  EXPECT_FALSE(ParseResponseHead("SMTP ready\r\n\r\n", &bad).ok());
  EXPECT_FALSE(ParseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", &bad).ok());
}

TEST(BlackboxHttpMessage, Chunked) {
  ChunkedDecoder d;
  std::string out;
  std::string body = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n";
  for (char c : body) ASSERT_TRUE(d.Feed(std::string_view(&c, 1), &out).ok());  // byte by byte
  EXPECT_TRUE(d.done());
  EXPECT_EQ(out, "hello world");
  ChunkedDecoder bad;
  EXPECT_FALSE(bad.Feed("zz\r\n", &out).ok());
}

TEST(BlackboxHttpMessage, CanonicalHeaderKey) {
  EXPECT_EQ(CanonicalHeaderKey("x-forwarded-for"), "X-Forwarded-For");
  EXPECT_EQ(CanonicalHeaderKey("HOST"), "Host");
}

}  // namespace
}  // namespace cairn::blackbox
