#include "promql/testing/series_values.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "promql/parser/parser.h"
#include "storage/sample.h"

namespace cairn::promql::testing {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

bool ScanUint(std::string_view s, size_t& pos, uint64_t& out) {
  size_t start = pos;
  out = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
    out = out * 10 + static_cast<uint64_t>(s[pos] - '0');
    ++pos;
  }
  return pos > start;
}

// Splits into items; a `{{...}}` group (with spaces inside) stays one item.
std::vector<std::string_view> SplitItems(std::string_view text) {
  std::vector<std::string_view> items;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    size_t start = i;
    int depth = 0;
    while (i < text.size()) {
      if (text.compare(i, 2, "{{") == 0) {
        depth++;
        i += 2;
        continue;
      }
      if (text.compare(i, 2, "}}") == 0) {
        depth--;
        i += 2;
        continue;
      }
      if (depth == 0 && std::isspace(static_cast<unsigned char>(text[i]))) break;
      ++i;
    }
    items.push_back(text.substr(start, i - start));
  }
  return items;
}

Status Bad(std::string_view item) {
  return Status::InvalidArgument("invalid series value item \"" + std::string(item) + "\"");
}

// Parses `xN` at pos to the end of the item.
bool ScanTimes(std::string_view item, size_t& pos, uint64_t& n) {
  if (pos >= item.size() || item[pos] != 'x') return false;
  ++pos;
  return ScanUint(item, pos, n) && pos == item.size();
}

// Scans a possibly signed duration (`-1m`, `+59999ms`, `0`) at pos. Unit
// letters never include `x`, so `-1mx2` stops before the repeat count.
bool ScanSignedDuration(std::string_view item, size_t& pos, int64_t& ms) {
  bool neg = false;
  if (pos < item.size() && (item[pos] == '+' || item[pos] == '-')) neg = item[pos++] == '-';
  size_t start = pos;
  while (pos < item.size() && item[pos] != 'x' && item[pos] != '+' && item[pos] != '-') ++pos;
  auto d = promql::parser::ParseDurationMs(item.substr(start, pos - start));
  if (!d.ok()) return false;
  ms = neg ? -*d : *d;
  return true;
}

}  // namespace

bool ScanFloat(std::string_view s, size_t& pos, double& out) {
  size_t start = pos;
  size_t i = pos;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    ++i;
  }
  for (std::string_view word : {"inf", "nan"}) {
    if (s.size() - i >= 3 && IEquals(s.substr(i, 3), word)) {
      out = word == "inf" ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
      if (neg) out = -out;
      pos = i + 3;
      return true;
    }
  }
  size_t digits_start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  if (i == digits_start || (i == digits_start + 1 && s[digits_start] == '.')) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t exp_start = j;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j > exp_start) i = j;
  }
  std::string num(s.substr(start, i - start));
  out = std::strtod(num.c_str(), nullptr);
  pos = i;
  return true;
}

Result<std::vector<SeriesValue>> ParseSeriesValues(std::string_view text) {
  std::vector<SeriesValue> out;
  for (std::string_view item : SplitItems(text)) {
    if (item.substr(0, 2) == "{{") {
      // Histogram forms: {{A}}, {{A}}xN, {{A}}+{{B}}xN, {{A}}-{{B}}xN.
      size_t close = item.rfind("}}");
      uint64_t n = 0;
      if (close + 2 < item.size()) {
        size_t pos = close + 2;
        if (!ScanTimes(item, pos, n)) return Bad(item);
      }
      for (uint64_t k = 0; k <= n; ++k) out.push_back({SeriesValue::Kind::kHistogram, 0});
      continue;
    }
    if (item[0] == '_') {
      uint64_t n = 1;
      size_t pos = 1;
      if (item.size() > 1 && !ScanTimes(item, pos, n)) return Bad(item);
      for (uint64_t k = 0; k < n; ++k) out.push_back({SeriesValue::Kind::kGap, 0});
      continue;
    }
    if (item == "stale") {
      out.push_back({SeriesValue::Kind::kFloat, storage::StaleNaN()});
      continue;
    }
    size_t pos = 0;
    double v = 0;
    if (!ScanFloat(item, pos, v)) return Bad(item);
    if (pos == item.size()) {
      out.push_back({SeriesValue::Kind::kFloat, v});
      continue;
    }
    double delta = 0;
    if (item[pos] == '+' || item[pos] == '-') {
      bool neg = item[pos] == '-';
      ++pos;
      if (pos < item.size() && (item[pos] == '+' || item[pos] == '-')) return Bad(item);
      if (!ScanFloat(item, pos, delta)) return Bad(item);
      if (neg) delta = -delta;
    }
    uint64_t n = 0;
    if (!ScanTimes(item, pos, n)) return Bad(item);
    double cur = v;
    for (uint64_t k = 0; k <= n; ++k) {
      out.push_back({SeriesValue::Kind::kFloat, cur});
      cur += delta;
    }
  }
  return out;
}

Result<std::vector<std::optional<int64_t>>> ParseStartOffsets(std::string_view text) {
  std::vector<std::optional<int64_t>> out;
  for (std::string_view item : SplitItems(text)) {
    if (item[0] == '_') {
      uint64_t n = 1;
      size_t pos = 1;
      if (item.size() > 1 && !ScanTimes(item, pos, n)) return Bad(item);
      out.insert(out.end(), n, std::nullopt);
      continue;
    }
    size_t pos = 0;
    int64_t first = 0, delta = 0;
    if (!ScanSignedDuration(item, pos, first)) return Bad(item);
    if (pos == item.size()) {
      out.push_back(first);
      continue;
    }
    if (item[pos] == '+' || item[pos] == '-') {
      if (!ScanSignedDuration(item, pos, delta)) return Bad(item);
    }
    uint64_t n = 0;
    if (!ScanTimes(item, pos, n)) return Bad(item);
    for (uint64_t k = 0; k <= n; ++k) out.push_back(first + static_cast<int64_t>(k) * delta);
  }
  return out;
}

}  // namespace cairn::promql::testing
