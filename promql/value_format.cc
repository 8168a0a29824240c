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

std::string FormatGoG(double v) {
  std::string out;
  if (Special(v, out)) return out;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  size_t e = sci.find('e');
  int exp = std::atoi(sci.c_str() + e + 1);
  if (exp < -4 || exp >= 6) {
    std::string mant = sci.substr(0, e);
    std::string es = std::to_string(std::abs(exp));
    if (es.size() < 2) es = "0" + es;
    return mant + "e" + (exp < 0 ? "-" : "+") + es;
  }
  r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

std::string FormatGoF(double v) {
  std::string out;
  if (Special(v, out)) return out;
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

std::string GoQuote(const std::string& s) {
  // Labels::ToString quotes values exactly as Go's %q does: {x="..."}.
  std::string text = storage::Labels{{"x", s}}.ToString();
  return text.substr(3, text.size() - 4);
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
