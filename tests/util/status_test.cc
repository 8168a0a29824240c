#include "util/status.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Status::InvalidArgument("not positive: " + std::to_string(v));
  return v;
}

Status Chain(int v) {
  CAIRN_RETURN_IF_ERROR(ParsePositive(v).status());
  return Status::OK();
}

TEST(StatusTest, OkHasNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeAndContext) {
  Status s = Status::Corruption("bad crc").WithContext("wal segment 3");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.ToString(), "corruption: wal segment 3: bad crc");
}

TEST(ResultTest, HoldsValueOrStatus) {
  auto good = ParsePositive(3);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  auto bad = ParsePositive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Chain(-2).message(), "not positive: -2");
  EXPECT_TRUE(Chain(2).ok());
}

}  // namespace
}  // namespace cairn
