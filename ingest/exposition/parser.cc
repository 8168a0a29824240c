#include "ingest/exposition/parser.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "ingest/exposition/format_parsers.h"
#include "util/go_strconv.h"

namespace cairn::ingest::exposition {
namespace {

// Prometheus' lvalReplacer (\" \\ \n) or helpReplacer (\\ \n), applied left
// to right; any other backslash stays as written.
void Unescape(std::string_view s, bool quote_too, std::string* out) {
  out->clear();
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k] == '\\' && k + 1 < s.size()) {
      const char n = s[k + 1];
      if (n == '\\' || n == 'n' || (quote_too && n == '"')) {
        out->push_back(n == 'n' ? '\n' : n);
        ++k;
        continue;
      }
    }
    out->push_back(s[k]);
  }
}

std::string Unreplace(std::string_view s) {
  std::string out;
  if (s.find('\\') == std::string_view::npos) return std::string(s);
  Unescape(s, true, &out);
  return out;
}

// Prometheus' labels.FormatOpenMetricsFloat.
std::string FormatOpenMetricsFloat(double f) {
  if (f == 1) return "1.0";
  if (f == 0) return "0.0";
  if (f == -1) return "-1.0";
  std::string s = GoFormatFloatG(f);
  if (std::isnan(f) || std::isinf(f) || s.find_first_of("e.") != std::string::npos) return s;
  return s + ".0";
}

// Prometheus' normalizeFloatsInLabelValues: `quantile` of summaries and
// `le` of histograms in OpenMetrics float form when they parse as floats.
std::string NormalizeLabelValue(MetricType type, std::string_view name, std::string value) {
  if ((type == MetricType::kSummary && name == "quantile") || (type == MetricType::kHistogram && name == "le")) {
    GoFloat f = GoParseFloat(value);
    if (f.error == GoNumError::kNone) return FormatOpenMetricsFloat(f.value);
  }
  return value;
}

storage::Labels SortedLabels(std::vector<storage::Label> labels, std::string* duplicate_name) {
  std::stable_sort(labels.begin(), labels.end(),
                   [](const storage::Label& a, const storage::Label& b) { return a.name < b.name; });
  if (duplicate_name != nullptr) duplicate_name->clear();
  auto dup = std::adjacent_find(labels.begin(), labels.end(),
                                [](const storage::Label& a, const storage::Label& b) { return a.name == b.name; });
  if (dup != labels.end()) {
    if (duplicate_name != nullptr) *duplicate_name = dup->name;
    labels.erase(std::unique(labels.begin(), labels.end(),
                             [](const storage::Label& a, const storage::Label& b) { return a.name == b.name; }),
                 labels.end());
  }
  return storage::Labels::FromSorted(std::move(labels));
}

}  // namespace

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
    case MetricType::kGaugeHistogram: return "gaugehistogram";
    case MetricType::kSummary: return "summary";
    case MetricType::kInfo: return "info";
    case MetricType::kStateset: return "stateset";
    case MetricType::kUnknown: return "unknown";
  }
  return "unknown";
}

double NormalNaN() { return std::bit_cast<double>(uint64_t{0x7ff8000000000001}); }

Result<double> ParseExpositionFloat(std::string_view s) {
  // Prometheus keeps to pre-Go 1.13 float syntax: no hex floats, no '_'.
  for (char c : s) {
    if (c == 'p' || c == 'P' || c == '_') return Status::InvalidArgument("unsupported character in float");
  }
  GoFloat f = GoParseFloat(s);
  if (f.error != GoNumError::kNone) return Status::InvalidArgument(GoNumErrorText("ParseFloat", s, f.error));
  return f.value;
}

std::string_view Parser::RawMetricName() const {
  if (offsets_.size() < 2 || offsets_[0] < 0) return {};
  return body_.substr(static_cast<size_t>(offsets_[0]), static_cast<size_t>(offsets_[1] - offsets_[0]));
}

std::string_view Parser::FamilyName() const { return RawMetricName(); }

std::string_view Parser::Help() {
  if (text_.find('\\') == std::string_view::npos) return text_;
  Unescape(text_, help_unescapes_quote_, &help_scratch_);
  return help_scratch_;
}

storage::Labels Parser::Labels(std::string* duplicate_name) const {
  std::vector<storage::Label> labels;
  labels.reserve(offsets_.size() / 4 + 1);
  labels.push_back({std::string(storage::kMetricName), Unreplace(RawMetricName())});
  for (size_t k = 2; k + 3 < offsets_.size(); k += 4) {
    auto view = [&](size_t a) {
      return body_.substr(static_cast<size_t>(offsets_[a]), static_cast<size_t>(offsets_[a + 1] - offsets_[a]));
    };
    std::string name = Unreplace(view(k));
    std::string value = NormalizeLabelValue(type_, name, Unreplace(view(k + 2)));
    labels.push_back({std::move(name), std::move(value)});
  }
  return SortedLabels(std::move(labels), duplicate_name);
}

bool Parser::NextExemplar(Exemplar* out) {
  if (!has_exemplar_) return false;
  has_exemplar_ = false;
  std::vector<storage::Label> labels;
  for (size_t k = 0; k + 3 < exemplar_offsets_.size(); k += 4) {
    auto view = [&](size_t a) {
      return std::string(body_.substr(static_cast<size_t>(exemplar_offsets_[a]),
                                      static_cast<size_t>(exemplar_offsets_[a + 1] - exemplar_offsets_[a])));
    };
    labels.push_back({view(k), view(k + 2)});
  }
  out->labels = SortedLabels(std::move(labels), nullptr);
  out->value = exemplar_value_;
  out->timestamp_ms = has_exemplar_ts_ ? std::optional<int64_t>(exemplar_ts_) : std::nullopt;
  return true;
}

std::unique_ptr<Parser> NewParser(Format format, std::string_view body, ParserOptions options) {
  if (format == Format::kOpenMetrics) return NewOpenMetricsParser(body, options);
  return NewPromParser(body);
}

}  // namespace cairn::ingest::exposition
