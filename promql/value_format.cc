#include "promql/value_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "storage/labels.h"

namespace cairn::promql {

namespace {
bool Special(double v, std::string& out) {
  if (std::isnan(v)) {
    out = "NaN";
    return true;
  }
  if (std::isinf(v)) {
    out = v > 0 ? "+Inf" : "-Inf";
    return true;
  }
  return false;
}
}  // namespace

std::string FormatGoF(double v) {
  std::string out;
  if (Special(v, out)) return out;
  // Go writes the shortest round-trip digits and pads with zeros
  // (1.2345678901234568e20 is "123456789012345680000"); C++'s shortest fixed
  // form would spell out the double's exact integer digits instead.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  if (sci.front() == '-') {
    out = "-";
    sci.remove_prefix(1);
  }
  const size_t e = sci.find('e');
  const int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  if (digits == "0") return out + "0";
  const int point = exp + 1;  // digits before the decimal point
  const int n = static_cast<int>(digits.size());
  if (point <= 0) return out + "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  if (point >= n) return out + digits + std::string(static_cast<size_t>(point - n), '0');
  return out + digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
}

std::string FormatOpenMetricsFloat(double v) {
  std::string out = FormatGoG(v);
  if (std::isfinite(v) && out.find_first_of("e.") == std::string::npos) out += ".0";
  return out;
}


std::string GoLabelsString(const storage::Labels& ls) {
  std::string out = "{";
  for (size_t i = 0; i < ls.size(); ++i) {
    if (i > 0) out += ", ";
    out += ls[i].name;
    out += "=";
    out += GoQuote(ls[i].value);
  }
  return out + "}";
}

}  // namespace cairn::promql
