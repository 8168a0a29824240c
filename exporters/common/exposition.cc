#include "exporters/common/exposition.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <unordered_map>


#include "util/go_strconv.h"

namespace cairn::exporters {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// One element of an Accept or Accept-Encoding header: "type/sub;k=v;q=0.5".
struct MediaRange {
  std::string_view value;  // "text/plain" or "gzip"
  std::string_view version;
  double q = 1;
};

std::vector<MediaRange> ParseHeaderList(std::string_view header) {
  std::vector<MediaRange> out;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    MediaRange range;
    size_t semi = item.find(';');
    range.value = Trim(item.substr(0, semi));
    while (semi != std::string_view::npos) {
      item = item.substr(semi + 1);
      semi = item.find(';');
      std::string_view param = Trim(item.substr(0, semi));
      size_t eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view key = Trim(param.substr(0, eq));
      std::string_view val = Trim(param.substr(eq + 1));
      if (EqualsIgnoreCase(key, "q")) {
        range.q = std::strtod(std::string(val).c_str(), nullptr);
      } else if (EqualsIgnoreCase(key, "version")) {
        range.version = val;
      }
    }
    if (!range.value.empty()) out.push_back(range);
  }
  return out;
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// client_golang's writeOpenMetricsFloat: Go's 'g' formatting, with ".0"
// added to integral values so they read as floats.
std::string OpenMetricsFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string s = GoFormatFloatG(v);
  if (s.find_first_of("e.") == std::string::npos) s += ".0";
  return s;
}

bool HasSuffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class OpenMetricsWriter {
 public:
  explicit OpenMetricsWriter(std::string* out) : out_(*out) {}

  void Family(const MetricFamily& family, const OpenMetricsOptions& options) {
    std::string name = family.name;
    if (family.type == MetricType::Counter && HasSuffix(name, "_total")) {
      name.resize(name.size() - 6);
    }
    if (!family.help.empty()) {
      out_ += "# HELP " + name + " ";
      for (char c : family.help) {
        if (c == '\\') {
          out_ += "\\\\";
        } else if (c == '\n') {
          out_ += "\\n";
        } else if (c == '"') {
          out_ += "\\\"";
        } else {
          out_ += c;
        }
      }
      out_ += '\n';
    }
    out_ += "# TYPE " + name + " " + TypeName(family.type) + "\n";
    if (auto unit = options.units.find(family.name); unit != options.units.end() && !unit->second.empty() &&
                                                    HasSuffix(name, "_" + unit->second)) {
      out_ += "# UNIT " + name + " " + unit->second + "\n";
    }
    for (const ClientMetric& m : family.metric) Metric(name, family.type, m);
  }

 private:
  static const char* TypeName(MetricType type) {
    switch (type) {
      case MetricType::Counter: return "counter";
      case MetricType::Gauge: return "gauge";
      case MetricType::Summary: return "summary";
      case MetricType::Histogram: return "histogram";
      default: return "unknown";
    }
  }

  void Metric(const std::string& name, MetricType type, const ClientMetric& m) {
    switch (type) {
      case MetricType::Counter:
        Sample(name + "_total", m, "", "", OpenMetricsFloat(m.counter.value));
        break;
      case MetricType::Gauge:
        Sample(name, m, "", "", OpenMetricsFloat(m.gauge.value));
        break;
      case MetricType::Summary:
        for (const auto& q : m.summary.quantile) {
          Sample(name, m, "quantile", OpenMetricsFloat(q.quantile), OpenMetricsFloat(q.value));
        }
        Sample(name + "_sum", m, "", "", OpenMetricsFloat(m.summary.sample_sum));
        Sample(name + "_count", m, "", "", std::to_string(m.summary.sample_count));
        break;
      case MetricType::Histogram: {
        bool has_inf = false;
        for (const auto& b : m.histogram.bucket) {
          if (std::isinf(b.upper_bound) && b.upper_bound > 0) has_inf = true;
          Sample(name + "_bucket", m, "le", OpenMetricsFloat(b.upper_bound), std::to_string(b.cumulative_count));
        }
        if (!has_inf) {
          Sample(name + "_bucket", m, "le", "+Inf", std::to_string(m.histogram.sample_count));
        }
        Sample(name + "_sum", m, "", "", OpenMetricsFloat(m.histogram.sample_sum));
        Sample(name + "_count", m, "", "", std::to_string(m.histogram.sample_count));
        break;
      }
      default:
        Sample(name, m, "", "", OpenMetricsFloat(m.untyped.value));
        break;
    }
  }

  void Sample(const std::string& name, const ClientMetric& m, std::string_view extra_name,
              const std::string& extra_value, const std::string& value) {
    out_ += name;
    if (!m.label.empty() || !extra_name.empty()) {
      out_ += '{';
      bool first = true;
      for (const auto& l : m.label) {
        if (!first) out_ += ',';
        first = false;
        out_ += l.name + "=\"" + EscapeLabelValue(l.value) + "\"";
      }
      if (!extra_name.empty()) {
        if (!first) out_ += ',';
        out_ += std::string(extra_name) + "=\"" + extra_value + "\"";
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    if (m.timestamp_ms != 0) {
      out_ += ' ';
      out_ += OpenMetricsFloat(static_cast<double>(m.timestamp_ms) / 1000.0);
    }
    out_ += '\n';
  }

  std::string& out_;
};

}  // namespace

ExpositionFormat NegotiateFormat(std::string_view accept) {
  std::vector<MediaRange> ranges = ParseHeaderList(accept);
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const MediaRange& a, const MediaRange& b) { return a.q > b.q; });
  for (const MediaRange& r : ranges) {
    if (r.q <= 0) continue;
    if (EqualsIgnoreCase(r.value, "application/openmetrics-text") &&
        (r.version.empty() || r.version == "1.0.0")) {
      return ExpositionFormat::kOpenMetrics100;
    }
    if ((EqualsIgnoreCase(r.value, "text/plain") && (r.version.empty() || r.version == "0.0.4")) ||
        r.value == "*/*" || EqualsIgnoreCase(r.value, "text/*")) {
      return ExpositionFormat::kText004;
    }
  }
  return ExpositionFormat::kText004;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  for (const MediaRange& r : ParseHeaderList(accept_encoding)) {
    if (EqualsIgnoreCase(r.value, "gzip") && r.q > 0) return true;
  }
  return false;
}

std::string WriteOpenMetrics(const std::vector<MetricFamily>& families, const OpenMetricsOptions& options) {
  std::string out;
  OpenMetricsWriter writer(&out);
  for (const MetricFamily& f : families) writer.Family(f, options);
  out += "# EOF\n";
  return out;
}

namespace {

// client_golang's text value: Go's FormatFloat(v, 'g', -1, 64), the shortest
// digits that read back as the same double (prometheus-cpp's TextSerializer
// prints 16 significant digits, so 3046.2000000000003 came out as 3046.2).
std::string TextFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return GoFormatFloatG(v);
}

void TextSample(std::string& out, const std::string& name, const ClientMetric& m, const char* extra_label,
                const std::string& extra_value, double value) {
  out += name;
  if (!m.label.empty() || extra_label != nullptr) {
    out += '{';
    bool first = true;
    for (const auto& l : m.label) {
      if (!first) out += ',';
      first = false;
      out += l.name + "=\"" + EscapeLabelValue(l.value) + "\"";
    }
    if (extra_label != nullptr) {
      if (!first) out += ',';
      out += std::string(extra_label) + "=\"" + extra_value + "\"";
    }
    out += '}';
  }
  out += ' ';
  out += TextFloat(value);
  if (m.timestamp_ms != 0) out += " " + std::to_string(m.timestamp_ms);
  out += '\n';
}

}  // namespace

std::string WriteText(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const MetricFamily& f : families) {
    if (!f.help.empty()) {
      out += "# HELP " + f.name + " ";
      for (char c : f.help) {
        if (c == '\\') {
          out += "\\\\";
        } else if (c == '\n') {
          out += "\\n";
        } else {
          out += c;
        }
      }
      out += '\n';
    }
    const char* type = f.type == MetricType::Counter     ? "counter"
                       : f.type == MetricType::Gauge     ? "gauge"
                       : f.type == MetricType::Summary   ? "summary"
                       : f.type == MetricType::Histogram ? "histogram"
                                                         : "untyped";
    out += "# TYPE " + f.name + " " + type + "\n";
    for (const ClientMetric& m : f.metric) {
      switch (f.type) {
        case MetricType::Counter: TextSample(out, f.name, m, nullptr, "", m.counter.value); break;
        case MetricType::Gauge: TextSample(out, f.name, m, nullptr, "", m.gauge.value); break;
        case MetricType::Summary:
          for (const auto& q : m.summary.quantile) {
            TextSample(out, f.name, m, "quantile", TextFloat(q.quantile), q.value);
          }
          TextSample(out, f.name + "_sum", m, nullptr, "", m.summary.sample_sum);
          TextSample(out, f.name + "_count", m, nullptr, "", double(m.summary.sample_count));
          break;
        case MetricType::Histogram: {
          bool has_inf = false;
          for (const auto& b : m.histogram.bucket) {
            has_inf |= std::isinf(b.upper_bound) && b.upper_bound > 0;
            TextSample(out, f.name + "_bucket", m, "le", TextFloat(b.upper_bound), double(b.cumulative_count));
          }
          if (!has_inf) {  // the +Inf bucket client_golang always writes
            TextSample(out, f.name + "_bucket", m, "le", "+Inf", double(m.histogram.sample_count));
          }
          TextSample(out, f.name + "_sum", m, nullptr, "", m.histogram.sample_sum);
          TextSample(out, f.name + "_count", m, nullptr, "", double(m.histogram.sample_count));
          break;
        }
        default: TextSample(out, f.name, m, nullptr, "", m.untyped.value); break;
      }
    }
  }
  return out;
}

std::vector<MetricFamily> MergeFamilies(std::vector<MetricFamily> families) {
  std::vector<MetricFamily> out;
  std::unordered_map<std::string, size_t> index;
  out.reserve(families.size());
  for (MetricFamily& f : families) {
    auto [it, inserted] = index.emplace(f.name, out.size());
    if (inserted) {
      out.push_back(std::move(f));
    } else {
      auto& metrics = out[it->second].metric;
      metrics.insert(metrics.end(), std::make_move_iterator(f.metric.begin()),
                     std::make_move_iterator(f.metric.end()));
    }
  }
  return out;
}

HttpResponse RenderMetrics(const std::vector<MetricFamily>& families, const HttpRequest& request,
                           const OpenMetricsOptions& options) {
  HttpResponse response;
  if (options.enabled && NegotiateFormat(request.Header("accept")) == ExpositionFormat::kOpenMetrics100) {
    response.content_type = kOpenMetricsContentType;
    response.body = WriteOpenMetrics(families, options);
  } else {
    response.content_type = kTextContentType;
    response.body = WriteText(families);
  }
  if (AcceptsGzip(request.Header("accept-encoding"))) {
    response.body = Gzip(response.body);
    response.headers.emplace_back("Content-Encoding", "gzip");
  }
  return response;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace cairn::exporters
