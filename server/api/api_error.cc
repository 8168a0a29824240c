#include "server/api/api_error.h"

namespace cairn::server::api {

ApiError ApiErrorFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnsupported:
      return {"bad_data", 400};
    case StatusCode::kExecution:
    case StatusCode::kResourceExhausted:
    case StatusCode::kDuplicateSample:
      return {"execution", 422};
    case StatusCode::kCanceled:
      return {"canceled", 499};
    case StatusCode::kTimeout:
      return {"timeout", 503};
    case StatusCode::kNotFound:
      return {"not_found", 404};
    case StatusCode::kUnavailable:
      return {"unavailable", 500};
    case StatusCode::kOk:
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
    case StatusCode::kInternal:
      break;
  }
  return {"internal", 500};
}

Status InvalidParam(std::string_view name, std::string_view message) {
  return Status::InvalidArgument("invalid parameter \"" + std::string(name) + "\": " + std::string(message));
}

}  // namespace cairn::server::api
