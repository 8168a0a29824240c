// The one mapping from Cairn's Status codes to the Prometheus API's error
// types and HTTP status codes (COMPAT.md §1.2; upstream's getDefaultErrorCode
// in web/api/v1/api.go). Every handler that answers an API error goes through
// ApiErrorFor(); nothing else in server/ picks an errorType or an error code.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace cairn::server::api {

struct ApiError {
  std::string_view type;  // "bad_data", "execution", ...
  int http_status = 500;
};

// Precondition: !status.ok().
//   InvalidArgument, Unsupported          -> bad_data 400
//   Execution, ResourceExhausted,
//   DuplicateSample                       -> execution 422
//   Canceled                              -> canceled 499
//   Timeout                               -> timeout 503
//   NotFound                              -> not_found 404
//   Unavailable                           -> unavailable 500
//   everything else (I/O, corruption, …)  -> internal 500
ApiError ApiErrorFor(const Status& status);

// Upstream's invalidParamError: bad_data `invalid parameter "<name>": <message>`.
Status InvalidParam(std::string_view name, std::string_view message);

}  // namespace cairn::server::api
