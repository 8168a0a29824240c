// Go's net/url.QueryEscape: the one escaping of query parameters that scrape
// params, Kubernetes selectors, rule links and templates share, so they all
// encode exactly as Prometheus does (unreserved bytes kept, ' ' as '+', the
// rest as %XX with upper-case hex).
#pragma once

#include <string>
#include <string_view>

namespace cairn {

std::string GoQueryEscape(std::string_view s);

}  // namespace cairn
