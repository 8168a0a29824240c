// Writing collected metric families in the two formats Prometheus scrapes, and
// choosing between them from a request's Accept header.
//
//   text 0.0.4        written here: prometheus-cpp's TextSerializer rounds
//                     values to 16 digits, client_golang prints them exactly.
//   OpenMetrics 1.0.0 written here: prometheus-cpp has no OpenMetrics writer.
//
// Thread-safety: free functions on values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/metric_family.h>

#include "exporters/common/http_types.h"

namespace cairn::exporters {

enum class ExpositionFormat { kText004, kOpenMetrics100 };

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

// The format for an Accept header, as Go's expfmt.NegotiateIncludingOpenMetrics
// picks it: media ranges by descending q (ties keep their order); the first
// application/openmetrics-text with version 1.0.0 or none wins OpenMetrics, the
// first text/plain with version 0.0.4 or none (or */*) wins text; text by default.
ExpositionFormat NegotiateFormat(std::string_view accept);

// Whether an Accept-Encoding header admits gzip (a "gzip" coding with q > 0).
bool AcceptsGzip(std::string_view accept_encoding);

// Whether and how OpenMetrics is offered.
struct OpenMetricsOptions {
  // Offer OpenMetrics in content negotiation. Off by default, as upstream's
  // exporters have it (node_exporter 1.5 and nginx-prometheus-exporter 0.11
  // answer text 0.0.4 even when Prometheus asks for OpenMetrics first): in
  // OpenMetrics a counter's samples end in "_total", so a counter named without
  // it (nginx_connections_accepted) would be stored under another name.
  bool enabled = false;
  // OpenMetrics metadata a MetricFamily has no field for:
  // family name -> unit (e.g. "seconds"); written as "# UNIT" when the family
  // name ends in "_<unit>" (the OpenMetrics rule), ignored otherwise.
  std::map<std::string, std::string> units;
};

// OpenMetrics 1.0.0 text ending in "# EOF\n". As client_golang writes it:
// counters are named without "_total" in the metadata and with it on samples;
// gauges and untyped are "gauge" and "unknown"; floats as Go's 'g' with ".0"
// on integral values; bucket and quantile counts as integers.
std::string WriteOpenMetrics(const std::vector<prometheus::MetricFamily>& families,
                             const OpenMetricsOptions& options = {});

// Text format 0.0.4 as client_golang writes it: values in Go's shortest
// round-trip form (prometheus-cpp's TextSerializer keeps 16 digits only).
std::string WriteText(const std::vector<prometheus::MetricFamily>& families);

// Families with the same name (from different collectors) merged into the
// first one's position, HELP and TYPE, so no family is written twice.
std::vector<prometheus::MetricFamily> MergeFamilies(std::vector<prometheus::MetricFamily> families);

// The response a metrics endpoint sends for `families`: the format from the
// request's Accept header (OpenMetrics only when options.enabled), gzip when
// Accept-Encoding allows it. Handlers that
// build their own registry per request (blackbox's /probe) answer with this.
HttpResponse RenderMetrics(const std::vector<prometheus::MetricFamily>& families,
                           const HttpRequest& request, const OpenMetricsOptions& options = {});

// gzip (RFC 1952) of `data` at zlib's default level.
std::string Gzip(std::string_view data);

}  // namespace cairn::exporters
