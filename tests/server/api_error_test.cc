#include "server/api/api_error.h"

#include <gtest/gtest.h>

namespace cairn::server::api {
namespace {

struct Case {
  Status status;
  std::string_view type;
  int http;
};

TEST(ApiErrorTest, MapsEveryCodeOnce) {
  const Case cases[] = {
      {Status::InvalidArgument("x"), "bad_data", 400},  {Status::Unsupported("x"), "bad_data", 400},
      {Status::Execution("x"), "execution", 422},       {Status::ResourceExhausted("x"), "execution", 422},
      {Status::DuplicateSample("x"), "execution", 422}, {Status::Canceled("x"), "canceled", 499},
      {Status::Timeout("x"), "timeout", 503},           {Status::NotFound("x"), "not_found", 404},
      {Status::Unavailable("x"), "unavailable", 500},   {Status::IOError("x"), "internal", 500},
      {Status::Corruption("x"), "internal", 500},       {Status::Internal("x"), "internal", 500},
  };
  for (const auto& c : cases) {
    ApiError e = ApiErrorFor(c.status);
    EXPECT_EQ(e.type, c.type) << c.status.ToString();
    EXPECT_EQ(e.http_status, c.http) << c.status.ToString();
  }
}

}  // namespace
}  // namespace cairn::server::api
