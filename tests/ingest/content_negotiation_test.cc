#include "ingest/content_negotiation.h"

#include <gtest/gtest.h>

namespace cairn::ingest {
namespace {

TEST(ContentNegotiationTest, PicksTheVersionFromProto) {
  EXPECT_EQ(*ParseRemoteWriteContentType(""), RemoteWriteVersion::kV1);
  EXPECT_EQ(*ParseRemoteWriteContentType("application/x-protobuf"), RemoteWriteVersion::kV1);
  EXPECT_EQ(*ParseRemoteWriteContentType("application/x-protobuf;proto=prometheus.WriteRequest"),
            RemoteWriteVersion::kV1);
  EXPECT_EQ(*ParseRemoteWriteContentType("Application/X-Protobuf; Proto=\"io.prometheus.write.v2.Request\""),
            RemoteWriteVersion::kV2);
  EXPECT_EQ(*ParseRemoteWriteContentType("application/x-protobuf; charset=utf-8"), RemoteWriteVersion::kV1);
}

TEST(ContentNegotiationTest, RejectsUnknownTypes) {
  EXPECT_EQ(ParseRemoteWriteContentType("application/x-protobuf;proto=io.prometheus.write.v3.Request").status().code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(ParseRemoteWriteContentType("text/plain").status().code(), StatusCode::kUnsupported);
}

TEST(ContentNegotiationTest, SnappyOrNothing) {
  EXPECT_TRUE(IsSnappyEncoding(""));
  EXPECT_TRUE(IsSnappyEncoding("snappy"));
  EXPECT_TRUE(IsSnappyEncoding(" Snappy "));
  EXPECT_FALSE(IsSnappyEncoding("zstd"));
  EXPECT_FALSE(IsSnappyEncoding("gzip"));
  EXPECT_FALSE(IsSnappyEncoding("identity"));
}

}  // namespace
}  // namespace cairn::ingest
