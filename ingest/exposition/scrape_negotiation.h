// Content negotiation for scrapes: the Accept header a scrape sends (from a
// job's `scrape_protocols`) and the parser a response's Content-Type
// selects (with `fallback_scrape_protocol`), as Prometheus 3 does
// (scrape/scrape.go acceptHeader, model/textparse extractMediaType). The
// remote-write counterpart is ingest/content_negotiation.h.
//
// Cairn parses only the text formats: `PrometheusProto` (protobuf
// exposition, used upstream for native histograms) is recognised in
// configuration but refused with kUnsupported, and a target that answers
// with protobuf anyway fails the scrape.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/exposition/parser.h"
#include "util/status.h"

namespace cairn::ingest::exposition {

enum class ScrapeProtocol {
  kPrometheusProto,       // "PrometheusProto" (not supported by Cairn)
  kOpenMetricsText1_0_0,  // "OpenMetricsText1.0.0"
  kOpenMetricsText0_0_1,  // "OpenMetricsText0.0.1"
  kPrometheusText1_0_0,   // "PrometheusText1.0.0"
  kPrometheusText0_0_4,   // "PrometheusText0.0.4"
};

// The configuration spelling, e.g. "OpenMetricsText1.0.0".
std::string_view ScrapeProtocolName(ScrapeProtocol p);
// The media type with its version parameter, e.g.
// "application/openmetrics-text;version=1.0.0" (Prometheus' ScrapeProtocolsHeaders).
std::string_view ScrapeProtocolHeader(ScrapeProtocol p);

// One configured name (exact spelling). Unknown names fail with Prometheus'
// text: `unknown scrape protocol X, supported: [OpenMetricsText0.0.1 …]`.
Result<ScrapeProtocol> ParseScrapeProtocol(std::string_view name);

// A job's `scrape_protocols` list, checked as Prometheus checks it (empty,
// case-insensitive duplicates, unknown names) and then for Cairn's support:
// PrometheusProto is kUnsupported.
Result<std::vector<ScrapeProtocol>> ParseScrapeProtocols(const std::vector<std::string>& names);

// kUnsupported for PrometheusProto, OK otherwise.
Status CheckSupported(ScrapeProtocol p);

// Prometheus 3's default order: OpenMetricsText1.0.0, OpenMetricsText0.0.1,
// PrometheusText1.0.0, PrometheusText0.0.4.
std::vector<ScrapeProtocol> DefaultScrapeProtocols();

// The Accept header for `protocols` in preference order: each media type
// (1.0.0 versions with `;escaping=<escaping>`) with q=0.6, 0.5, … and a
// final `*/*`. With the defaults:
// application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,
// application/openmetrics-text;version=0.0.1;q=0.5,
// text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,
// text/plain;version=0.0.4;q=0.3,*/*;q=0.2
// (one line). kUnsupported when the list holds PrometheusProto.
Result<std::string> ScrapeAcceptHeader(const std::vector<ScrapeProtocol>& protocols,
                                       std::string_view escaping = "allow-utf-8");

// "gzip" when `enable_compression`, else "identity".
std::string_view ScrapeAcceptEncoding(bool enable_compression);

struct ScrapeFormat {
  Format format = Format::kPrometheusText;
  // Non-empty when the fallback protocol was used: Prometheus' message
  // (logged upstream as a warning; the scrape goes on).
  std::string warning;
};

// The parser for a response's Content-Type: text/plain → the text format,
// application/openmetrics-text → OpenMetrics (media type compared after Go's
// mime.ParseMediaType lower-casing; parameters such as version are not
// checked, as upstream). A blank, unparsable or unknown type uses
// `fallback` when given (with a warning) and otherwise fails the scrape
// with Prometheus' message, e.g. `received unsupported Content-Type
// "text/html" and no fallback_scrape_protocol specified for target`.
// A protobuf response, or a PrometheusProto fallback, is kUnsupported.
Result<ScrapeFormat> SelectScrapeFormat(std::string_view content_type, std::optional<ScrapeProtocol> fallback);

}  // namespace cairn::ingest::exposition
