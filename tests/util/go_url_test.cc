// Go's net/url pieces: QueryEscape and the path of a URL as url.Parse reads it.
#include "util/go_url.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(GoUrlTest, QueryEscapeKeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(GoQueryEscape("a b&c=d/é~._-"), "a+b%26c%3Dd%2F%C3%A9~._-");
}

TEST(GoUrlTest, PathIsWhatGoPutsInUrlPath) {
  EXPECT_EQ(GoUrlPath("http://example.com:9090/a/b/?x=1#f"), "/a/b/");
  EXPECT_EQ(GoUrlPath("https://h/p"), "/p");
  EXPECT_EQ(GoUrlPath("http://example.com:9090"), "");
  EXPECT_EQ(GoUrlPath("http://h/a%2Fb"), "/a%2Fb");  // escapes left as they are
  EXPECT_EQ(GoUrlPath("/relative/path?q"), "/relative/path");
  EXPECT_EQ(GoUrlPath(""), "");
}

}  // namespace
}  // namespace cairn
