// The API v1 envelope (COMPAT.md §1.2):
//   {"status":"success","data":...,"warnings":[...],"infos":[...]}
//   {"status":"error","errorType":"bad_data","error":"..."}
// Error types and HTTP codes come from ApiErrorFor(), nowhere else.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "util/json_writer.h"
#include "server/http/http_types.h"
#include "util/status.h"

namespace cairn::server::api {

// Upstream (annotations.AsStrings(query, 10, 10)) keeps this many of each of
// warnings and infos and then adds one line "<N> more warning annotations
// omitted" / "<N> more info annotations omitted".
inline constexpr size_t kMaxAnnotations = 10;

// 200 with `write_data` producing the value of "data". Empty warning/info
// lists are omitted; longer ones are capped as above.
http::HttpResponse ApiSuccess(const std::function<void(JsonWriter&)>& write_data,
                              const std::vector<std::string>& warnings = {},
                              const std::vector<std::string>& infos = {});

// Writes the value of "data"; may call `flush` between elements of a large
// value and must stop writing when it returns false (the client went away).
using StreamedData = std::function<void(JsonWriter&, const std::function<bool()>& flush)>;

// The same envelope and bytes as ApiSuccess, for values that may be large
// (query results): the body is produced when the response is sent and leaves
// in chunks (chunked transfer encoding, gzip on the fly when accepted), so it
// is never held whole. A body that fits one chunk goes out as an ordinary
// response with Content-Length.
http::HttpResponse ApiSuccessStreamed(StreamedData write_data, std::vector<std::string> warnings,
                                      std::vector<std::string> infos);

// The error envelope for a non-OK status, with its mapped HTTP code.
http::HttpResponse ApiFailure(const Status& status);

// 204 with an empty body (delete_series, clean_tombstones).
http::HttpResponse ApiNoContent();

}  // namespace cairn::server::api
