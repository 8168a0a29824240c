// The API v1 envelope (COMPAT.md §1.2):
//   {"status":"success","data":...,"warnings":[...],"infos":[...]}
//   {"status":"error","errorType":"bad_data","error":"..."}
// Error types and HTTP codes come from ApiErrorFor(), nowhere else.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/api/json_writer.h"
#include "server/http/http_types.h"
#include "util/status.h"

namespace cairn::server::api {

// Upstream caps each of warnings and infos at this many entries.
inline constexpr size_t kMaxAnnotations = 10;

// 200 with `write_data` producing the value of "data". Empty warning/info
// lists are omitted.
http::HttpResponse ApiSuccess(const std::function<void(JsonWriter&)>& write_data,
                              const std::vector<std::string>& warnings = {},
                              const std::vector<std::string>& infos = {});

// The error envelope for a non-OK status, with its mapped HTTP code.
http::HttpResponse ApiFailure(const Status& status);

// 204 with an empty body (delete_series, clean_tombstones).
http::HttpResponse ApiNoContent();

}  // namespace cairn::server::api
