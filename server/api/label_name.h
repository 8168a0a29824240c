// Label names in URL paths (`/api/v1/label/<name>/values`) may use Prometheus'
// "values escaping" so that names with '/' or '.' survive the path: a "U__"
// prefix, "__" for '_', "_<hex codepoint>_" for any other character, e.g.
// U__http_2e_status_code -> http.status_code. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cairn::server::api {

// Returns the unescaped name. A name without the "U__" prefix, or with an
// invalid escape (bad hex, missing closing '_', surrogate or out-of-range
// codepoint), is returned unchanged, as upstream does.
std::string UnescapeLabelName(std::string_view name);

}  // namespace cairn::server::api
