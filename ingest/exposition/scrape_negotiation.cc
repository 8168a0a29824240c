#include "ingest/exposition/scrape_negotiation.h"

#include <array>
#include <set>

#include "util/go_quote.h"

namespace cairn::ingest::exposition {
namespace {

struct ProtocolInfo {
  ScrapeProtocol protocol;
  std::string_view name;
  std::string_view header;
};

constexpr std::array<ProtocolInfo, 5> kProtocols = {{
    {ScrapeProtocol::kPrometheusProto, "PrometheusProto",
     "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"},
    {ScrapeProtocol::kOpenMetricsText1_0_0, "OpenMetricsText1.0.0", "application/openmetrics-text;version=1.0.0"},
    {ScrapeProtocol::kOpenMetricsText0_0_1, "OpenMetricsText0.0.1", "application/openmetrics-text;version=0.0.1"},
    {ScrapeProtocol::kPrometheusText1_0_0, "PrometheusText1.0.0", "text/plain;version=1.0.0"},
    {ScrapeProtocol::kPrometheusText0_0_4, "PrometheusText0.0.4", "text/plain;version=0.0.4"},
}};

const ProtocolInfo& Info(ScrapeProtocol p) {
  for (const auto& info : kProtocols) {
    if (info.protocol == p) return info;
  }
  return kProtocols[0];
}

constexpr std::string_view kOpenMetricsMediaType = "application/openmetrics-text";
constexpr std::string_view kTextMediaType = "text/plain";
constexpr std::string_view kProtobufMediaType = "application/vnd.google.protobuf";

std::string_view MediaTypeOf(ScrapeProtocol p) {
  switch (p) {
    case ScrapeProtocol::kPrometheusProto: return kProtobufMediaType;
    case ScrapeProtocol::kOpenMetricsText1_0_0:
    case ScrapeProtocol::kOpenMetricsText0_0_1: return kOpenMetricsMediaType;
    default: return kTextMediaType;
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Go's unicode.IsSpace over the ASCII range.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view Trim(std::string_view s) {
  s = TrimLeft(s);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsTSpecial(char c) { return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos; }
bool IsTokenChar(char c) { return c > 0x20 && c < 0x7f && !IsTSpecial(c); }

// Go's mime consumeToken: the leading token and the rest.
std::string_view ConsumeToken(std::string_view v, std::string_view* rest) {
  size_t n = 0;
  while (n < v.size() && IsTokenChar(v[n])) ++n;
  *rest = v.substr(n);
  return v.substr(0, n);
}

// Go's consumeValue: a token or a quoted string; on failure value "" and
// rest == v.
std::string ConsumeValue(std::string_view v, std::string_view* rest) {
  if (v.empty()) {
    *rest = v;
    return "";
  }
  if (v[0] != '"') return std::string(ConsumeToken(v, rest));
  std::string out;
  for (size_t k = 1; k < v.size(); ++k) {
    char r = v[k];
    if (r == '"') {
      *rest = v.substr(k + 1);
      return out;
    }
    if (r == '\\' && k + 1 < v.size() && IsTSpecial(v[k + 1])) {
      out.push_back(v[++k]);
      continue;
    }
    if (r == '\r' || r == '\n') break;
    out.push_back(r);
  }
  *rest = v;
  return "";
}

// Go's consumeMediaParam; an empty key means no parameter could be read.
std::string ConsumeMediaParam(std::string_view v, std::string_view* rest) {
  std::string_view r = TrimLeft(v);
  *rest = v;
  if (r.empty() || r[0] != ';') return "";
  r = TrimLeft(r.substr(1));
  std::string key = Lower(ConsumeToken(r, &r));
  if (key.empty()) return "";
  r = TrimLeft(r);
  if (r.empty() || r[0] != '=') return "";
  r = TrimLeft(r.substr(1));
  std::string_view after;
  std::string value = ConsumeValue(r, &after);
  if (value.empty() && after == r) return "";
  *rest = after;
  return key;
}

// Go's mime.ParseMediaType, for the media type and its errors only (RFC
// 2231 continuations are not interpreted, only checked for duplicates).
Result<std::string> ParseMediaType(std::string_view v) {
  std::string_view base = v.substr(0, v.find(';'));
  std::string media = std::string(Trim(Lower(base)));
  std::string_view rest;
  std::string_view type = ConsumeToken(media, &rest);
  if (type.empty()) return Status::InvalidArgument("mime: no media type");
  if (!rest.empty()) {
    if (rest[0] != '/') return Status::InvalidArgument("mime: expected slash after first token");
    std::string_view subtype = ConsumeToken(rest.substr(1), &rest);
    if (subtype.empty()) return Status::InvalidArgument("mime: expected token after slash");
    if (!rest.empty()) return Status::InvalidArgument("mime: unexpected content after media subtype");
  }
  std::set<std::string> keys;
  std::string_view params = v.substr(base.size());
  while (!params.empty()) {
    params = TrimLeft(params);
    if (params.empty()) break;
    std::string_view after;
    std::string key = ConsumeMediaParam(params, &after);
    if (key.empty()) {
      if (Trim(after) == ";") break;  // a trailing semicolon is fine
      return Status::InvalidArgument("mime: invalid media parameter");
    }
    if (!keys.insert(key).second) return Status::InvalidArgument("mime: duplicate parameter name");
    params = after;
  }
  return media;
}

Status Unsupported(ScrapeProtocol p) {
  return Status::Unsupported("scrape protocol " + std::string(ScrapeProtocolName(p)) +
                             " is not supported by Cairn (it parses the text formats only)");
}

}  // namespace

std::string_view ScrapeProtocolName(ScrapeProtocol p) { return Info(p).name; }
std::string_view ScrapeProtocolHeader(ScrapeProtocol p) { return Info(p).header; }

Result<ScrapeProtocol> ParseScrapeProtocol(std::string_view name) {
  for (const auto& info : kProtocols) {
    if (info.name == name) return info.protocol;
  }
  // Go's %v of the sorted names: [a b c].
  return Status::InvalidArgument(
      "unknown scrape protocol " + std::string(name) +
      ", supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto PrometheusText0.0.4 "
      "PrometheusText1.0.0]");
}

Result<std::vector<ScrapeProtocol>> ParseScrapeProtocols(const std::vector<std::string>& names) {
  if (names.empty()) return Status::InvalidArgument("scrape_protocols cannot be empty");
  std::set<std::string> seen;
  std::vector<ScrapeProtocol> out;
  for (const std::string& name : names) {
    if (!seen.insert(Lower(name)).second) {
      std::string list = "[";
      for (size_t k = 0; k < names.size(); ++k) list += (k ? " " : "") + names[k];
      return Status::InvalidArgument("duplicated protocol in scrape_protocols, got " + list + "]");
    }
    Result<ScrapeProtocol> p = ParseScrapeProtocol(name);
    if (!p.ok()) return p.status().WithContext("scrape_protocols");
    out.push_back(*p);
  }
  for (ScrapeProtocol p : out) CAIRN_RETURN_IF_ERROR(CheckSupported(p));
  return out;
}

Status CheckSupported(ScrapeProtocol p) {
  return p == ScrapeProtocol::kPrometheusProto ? Unsupported(p) : Status::OK();
}

std::vector<ScrapeProtocol> DefaultScrapeProtocols() {
  return {ScrapeProtocol::kOpenMetricsText1_0_0, ScrapeProtocol::kOpenMetricsText0_0_1,
          ScrapeProtocol::kPrometheusText1_0_0, ScrapeProtocol::kPrometheusText0_0_4};
}

Result<std::string> ScrapeAcceptHeader(const std::vector<ScrapeProtocol>& protocols, std::string_view escaping) {
  // Upstream weighs from len(known protocols)+1 down, one step per entry.
  int weight = static_cast<int>(kProtocols.size()) + 1;
  std::string out;
  for (ScrapeProtocol p : protocols) {
    CAIRN_RETURN_IF_ERROR(CheckSupported(p));
    out += ScrapeProtocolHeader(p);
    if (p == ScrapeProtocol::kPrometheusText1_0_0 || p == ScrapeProtocol::kOpenMetricsText1_0_0) {
      out += ";escaping=";
      out += escaping;
    }
    out += ";q=0." + std::to_string(weight) + ",";
    --weight;
  }
  out += "*/*;q=0." + std::to_string(weight);
  return out;
}

std::string_view ScrapeAcceptEncoding(bool enable_compression) { return enable_compression ? "gzip" : "identity"; }

Result<ScrapeFormat> SelectScrapeFormat(std::string_view content_type, std::optional<ScrapeProtocol> fallback) {
  const std::string fallback_type = fallback ? std::string(MediaTypeOf(*fallback)) : "";
  std::string media;
  std::string warning;
  if (content_type.empty()) {
    if (!fallback) {
      return Status::InvalidArgument(
          "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for "
          "target");
    }
    media = fallback_type;
    warning = "non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol " +
              GoQuote(fallback_type);
  } else if (Result<std::string> parsed = ParseMediaType(content_type); !parsed.ok()) {
    // Go's errors.Join: the messages one per line.
    if (!fallback) {
      return Status::InvalidArgument("cannot parse Content-Type " + GoQuote(content_type) +
                                     " and no fallback_scrape_protocol for target\n" + parsed.status().message());
    }
    media = fallback_type;
    warning = "could not parse received Content-Type " + GoQuote(content_type) +
              ", using fallback_scrape_protocol " + GoQuote(fallback_type) + "\n" + parsed.status().message();
  } else if (*parsed == kOpenMetricsMediaType || *parsed == kTextMediaType || *parsed == kProtobufMediaType) {
    media = *parsed;
  } else {
    if (!fallback) {
      return Status::InvalidArgument("received unsupported Content-Type " + GoQuote(content_type) +
                                     " and no fallback_scrape_protocol specified for target");
    }
    media = fallback_type;
    warning = "received unsupported Content-Type " + GoQuote(content_type) + ", using fallback_scrape_protocol " +
              GoQuote(fallback_type);
  }
  if (media == kProtobufMediaType) {
    return Status::Unsupported("received Content-Type " + GoQuote(content_type) +
                               ": protobuf exposition (PrometheusProto) is not supported by Cairn");
  }
  ScrapeFormat out;
  out.format = media == kOpenMetricsMediaType ? Format::kOpenMetrics : Format::kPrometheusText;
  out.warning = std::move(warning);
  return out;
}

}  // namespace cairn::ingest::exposition
