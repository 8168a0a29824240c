#include "exporters/postgres/query_namespace.h"

#include <cctype>
#include <cmath>
#include <ctime>
#include <sstream>

#include "util/go_strconv.h"

namespace cairn::exporters::postgres {

std::optional<ColumnUsage> ParseColumnUsage(const std::string& word) {
  static const std::map<std::string, ColumnUsage> kWords = {
      {"DISCARD", ColumnUsage::kDiscard},       {"LABEL", ColumnUsage::kLabel},
      {"COUNTER", ColumnUsage::kCounter},       {"GAUGE", ColumnUsage::kGauge},
      {"MAPPEDMETRIC", ColumnUsage::kMappedMetric}, {"DURATION", ColumnUsage::kDuration},
      {"HISTOGRAM", ColumnUsage::kHistogram},
  };
  auto it = kWords.find(word);
  if (it == kWords.end()) return std::nullopt;
  return it->second;
}

PgType PgTypeOfOid(unsigned oid) {
  switch (oid) {
    case 20:  // int8
    case 21:  // int2
    case 23:  // int4
      return PgType::kInt;
    case 700:  // float4
    case 701:  // float8
      return PgType::kFloat;
    case 16:
      return PgType::kBool;
    case 1082:  // date
    case 1114:  // timestamp
    case 1184:  // timestamptz
      return PgType::kTimestamp;
    default:  // text, name, oid, numeric, ...: lib/pq hands these over as bytes
      return PgType::kText;
  }
}

namespace {

// "2026-12-07 12:23:12.345+00" (ISO DateStyle; offset optional) → Unix
// seconds, rounded down as Go's Time.Unix() does.
std::optional<double> ParseTimestamp(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) return std::nullopt;
  size_t pos = static_cast<size_t>(n);
  if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T')) {
    int m = 0;
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &m) != 3) return std::nullopt;
    pos += 1 + static_cast<size_t>(m);
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    }
  }
  long offset_s = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    int oh = 0, om = 0, os = 0;
    std::string rest = s.substr(pos + 1);
    for (char& c : rest) {
      if (c == ':') c = ' ';
    }
    int got = std::sscanf(rest.c_str(), "%d %d %d", &oh, &om, &os);
    if (got < 1) return std::nullopt;
    offset_s = sign * (oh * 3600L + om * 60L + os);
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<double>(timegm(&tm) - offset_s);
}

// PostgreSQL prints float specials as words Go's ParseFloat does not take.
std::optional<double> ParseFloat(const std::string& s) {
  if (s == "Infinity") return HUGE_VAL;
  if (s == "-Infinity") return -HUGE_VAL;
  GoFloat f = GoParseFloat(s);
  if (f.error != GoNumError::kNone) return std::nullopt;
  return f.value;
}

// fmt's %v for a float64: %g with shortest digits, exponent form only from 1e21.
std::string FormatFloatV(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e21) {
    std::ostringstream os;
    os.precision(0);
    os << std::fixed << v;
    return os.str();
  }
  return GoFormatFloatG(v);
}

}  // namespace

std::optional<double> ValueOf(PgType type, const std::optional<std::string>& text) {
  if (!text) return NAN;
  switch (type) {
    case PgType::kBool:
      return *text == "t" ? 1.0 : 0.0;
    case PgType::kTimestamp:
      return ParseTimestamp(*text);
    default:
      return ParseFloat(*text);
  }
}

std::string LabelOf(PgType type, const std::optional<std::string>& text) {
  if (!text) return "";
  switch (type) {
    case PgType::kBool:
      return *text == "t" ? "true" : "false";
    case PgType::kTimestamp: {
      std::optional<double> t = ParseTimestamp(*text);
      return t ? FormatFloatV(*t) : "";
    }
    case PgType::kFloat: {
      std::optional<double> f = ParseFloat(*text);
      return f ? FormatFloatV(*f) : *text;
    }
    default:
      return *text;
  }
}

std::optional<double> ParseGoDurationMs(const std::string& text) {
  static const std::map<std::string, double> kUnitNs = {
      {"ns", 1}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 6e10}, {"h", 3.6e12},
  };
  std::string s = text;
  double sign = 1;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    if (s[0] == '-') sign = -1;
    s.erase(0, 1);
  }
  if (s == "0") return 0.0;
  if (s.empty()) return std::nullopt;
  double total_ns = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    std::string number = s.substr(start, i - start);
    if (number == ".") return std::nullopt;
    size_t ustart = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    auto unit = kUnitNs.find(s.substr(ustart, i - ustart));
    if (unit == kUnitNs.end()) return std::nullopt;
    GoFloat f = GoParseFloat(number);
    if (f.error != GoNumError::kNone) return std::nullopt;
    total_ns += f.value * unit->second;
  }
  // time.Duration counts whole nanoseconds; float64(d / time.Millisecond) drops the rest.
  return sign * std::trunc(std::trunc(total_ns) / 1e6);
}

std::string ServerVersion::String() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::optional<ServerVersion> ParseServerVersion(const std::string& v) {
  size_t i = 0;
  while (i < v.size() && (std::isalnum(static_cast<unsigned char>(v[i])) || v[i] == '_')) ++i;
  if (i == 0 || i >= v.size() || v[i] != ' ') return std::nullopt;
  ++i;
  int parts[3] = {0, 0, 0};
  for (int p = 0; p < 3; ++p) {
    if (p > 0) {
      if (i + 1 >= v.size() || v[i] != '.' || !std::isdigit(static_cast<unsigned char>(v[i + 1]))) break;
      ++i;
    }
    if (i >= v.size() || !std::isdigit(static_cast<unsigned char>(v[i]))) {
      if (p == 0) return std::nullopt;
      break;
    }
    long n = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
      n = n * 10 + (v[i] - '0');
      if (n > ServerVersion::kMaxPart) return std::nullopt;
      ++i;
    }
    parts[p] = static_cast<int>(n);
  }
  return ServerVersion{parts[0], parts[1], parts[2]};
}

namespace {

bool ComparatorHolds(const std::string& c, const ServerVersion& version) {
  size_t op_len = 0;
  while (op_len < c.size() && (c[op_len] == '<' || c[op_len] == '>' || c[op_len] == '=' || c[op_len] == '!')) {
    ++op_len;
  }
  std::string op = c.substr(0, op_len);
  std::optional<ServerVersion> v = ParseServerVersion("v " + c.substr(op_len));
  if (!v) return false;
  if (op == ">=") return version >= *v;
  if (op == ">") return version > *v;
  if (op == "<=") return version <= *v;
  if (op == "<") return version < *v;
  if (op == "!=" || op == "!") return version != *v;
  if (op.empty() || op == "=" || op == "==") return version == *v;
  return false;
}

}  // namespace

bool VersionInRange(const std::string& range, const ServerVersion& version) {
  std::string rest = range;
  bool any_alternative = false;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t bar = rest.find("||", start);
    std::string alt = rest.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    std::istringstream words(alt);
    std::string word;
    bool all = true, seen = false;
    while (words >> word) {
      seen = true;
      if (!ComparatorHolds(word, version)) all = false;
    }
    if (!seen) return false;  // an empty alternative is malformed
    if (all) any_alternative = true;
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  return any_alternative;
}

void RowsToFamilies(const QueryNamespace& ns, int server_version, const QueryResult& result,
                    const LabelPairs& server_labels, FamilySet* out, std::vector<std::string>* errors) {
  using prometheus::MetricType;
  // Upstream lists every LABEL column, present in the result or not; a
  // missing one reads column 0 (Go's map lookup yields index 0).
  std::vector<std::pair<std::string, size_t>> label_columns;
  for (const auto& [column, mapping] : ns.columns) {
    if (mapping.usage != ColumnUsage::kLabel) continue;
    size_t index = 0;
    for (size_t i = 0; i < result.columns.size(); ++i) {
      if (result.columns[i] == column) index = i;
    }
    label_columns.emplace_back(column, index);
  }
  for (const auto& row : result.rows) {
    if (row.size() != result.columns.size()) continue;
    LabelPairs labels = server_labels;
    for (const auto& [name, index] : label_columns) {
      labels.push_back({name, index < row.size() ? LabelOf(result.types[index], row[index]) : ""});
    }
    for (size_t i = 0; i < result.columns.size(); ++i) {
      const std::string& column = result.columns[i];
      const std::string metric = ns.name + "_" + column;
      auto it = ns.columns.find(column);
      if (it == ns.columns.end()) {
        std::optional<double> v = ValueOf(result.types[i], row[i]);
        if (!v) {
          errors->push_back("Unparseable column type - discarding: " + ns.name + " " + column);
          continue;
        }
        out->Add(metric, "Unknown metric from " + ns.name, MetricType::Untyped, labels, *v);
        continue;
      }
      const ColumnMapping& m = it->second;
      if (!m.versions.Contains(server_version)) continue;
      switch (m.usage) {
        case ColumnUsage::kDiscard:
        case ColumnUsage::kLabel:
        case ColumnUsage::kHistogram:  // not supported; see docs/exporters.md
          break;
        case ColumnUsage::kCounter:
        case ColumnUsage::kGauge: {
          std::optional<double> v = ValueOf(result.types[i], row[i]);
          if (!v) {
            errors->push_back("Unexpected error parsing column: " + ns.name + " " + column + " " + row[i].value_or(""));
            break;
          }
          out->Add(metric, m.description, m.usage == ColumnUsage::kCounter ? MetricType::Counter : MetricType::Gauge,
                   labels, *v);
          break;
        }
        case ColumnUsage::kMappedMetric: {
          auto mapped = row[i] ? m.value_map.find(*row[i]) : m.value_map.end();
          if (mapped == m.value_map.end()) {
            errors->push_back("Unexpected error parsing column: " + ns.name + " " + column + " " + row[i].value_or(""));
            break;
          }
          out->Add(metric, m.description, MetricType::Gauge, labels, mapped->second);
          break;
        }
        case ColumnUsage::kDuration: {
          std::optional<double> ms;
          if (row[i] && *row[i] != "-1") ms = ParseGoDurationMs(*row[i]);
          if (!ms) {
            if (row[i] && *row[i] != "-1") {
              errors->push_back("Failed converting result to metric: " + ns.name + " " + column + " " + *row[i]);
            }
            break;
          }
          out->Add(metric + "_milliseconds", m.description, MetricType::Gauge, labels, *ms);
          break;
        }
      }
    }
  }
}

}  // namespace cairn::exporters::postgres
