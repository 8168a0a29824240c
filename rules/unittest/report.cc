#include "rules/unittest/report.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "util/go_quote.h"

namespace cairn::rules::unittest {

void SortAlerts(std::vector<LabelsAndAnnotations>& alerts) {
  std::sort(alerts.begin(), alerts.end(), [](const LabelsAndAnnotations& a, const LabelsAndAnnotations& b) {
    int d = storage::Labels::Compare(a.labels, b.labels);
    if (d != 0) return d < 0;
    return storage::Labels::Compare(a.annotations, b.annotations) < 0;
  });
}

void SortSamples(std::vector<ParsedSample>& samples) {
  std::stable_sort(samples.begin(), samples.end(), [](const ParsedSample& a, const ParsedSample& b) {
    return storage::Labels::Compare(a.labels, b.labels) < 0;
  });
}

std::string LabelsString(const storage::Labels& labels) {
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels[i].name + "=" + GoQuote(labels[i].value);
  }
  return out + "}";
}

std::string IndentLines(const std::string& lines, const std::string& indent) {
  std::string out;
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t nl = lines.find('\n', start);
    if (!first) out += indent;
    first = false;
    out.append(lines, start, nl == std::string::npos ? std::string::npos : nl - start);
    if (nl == std::string::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

std::string AlertsString(const std::vector<LabelsAndAnnotations>& alerts) {
  if (alerts.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string one =
        "\nLabels:" + LabelsString(alerts[i].labels) + "\nAnnotations:" + LabelsString(alerts[i].annotations);
    out += (i == 0 ? "\n" : ",\n") + std::to_string(i) + ":" + IndentLines(one, "  ");
  }
  return out + "\n]";
}

std::string GoFormatFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  for (char& c : s) {
    if (c == 'e') c = 'E';
  }
  return s;
}

std::string SamplesString(const std::vector<ParsedSample>& samples) {
  if (samples.empty()) return "nil";
  std::string out;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) out += ", ";
    out += LabelsString(samples[i].labels) + " " + GoFormatFloatE(samples[i].value);
  }
  return out;
}

std::string GoTimeDurationString(int64_t ms) {
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  uint64_t u = ms < 0 ? static_cast<uint64_t>(-(ms + 1)) + 1 : static_cast<uint64_t>(ms);
  if (u < 1000) return sign + std::to_string(u) + "ms";
  const uint64_t hours = u / 3'600'000, minutes = u / 60'000 % 60, millis = u % 60'000;
  std::string seconds = std::to_string(millis / 1000);
  if (millis % 1000 != 0) {
    std::string frac = std::to_string(1000 + millis % 1000).substr(1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    seconds += "." + frac;
  }
  std::string out = sign;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  return out + seconds + "s";
}

}  // namespace cairn::rules::unittest
