// Go's net/url pieces Cairn needs.
//
// GoQueryEscape is net/url.QueryEscape: the one escaping of query parameters that scrape
// params, Kubernetes selectors, rule links and templates share, so they all
// encode exactly as Prometheus does (unreserved bytes kept, ' ' as '+', the
// rest as %XX with upper-case hex).
#pragma once

#include <string>
#include <string_view>

namespace cairn {

std::string GoQueryEscape(std::string_view s);

// The path of a URL as it lands in Go's url.URL.Path (escapes left as they
// are): "http://h:9090/a/b/?x" -> "/a/b/", "" when an absolute URL has no
// path, the whole text up to '?' or '#' when there is no scheme. The one
// reading of --web.external-url's path: the route prefix and the templates'
// pathPrefix.
std::string GoUrlPath(std::string_view url);

}  // namespace cairn
