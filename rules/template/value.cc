#include "rules/template/value.h"

#include <cstdio>
#include <ctime>

namespace cairn::rules::tmpl {

bool Value::IsNil() const {
  switch (kind) {
    case Kind::kStringMap: return string_map == nullptr;
    case Kind::kAnyMap: return any_map == nullptr;
    case Kind::kSamples: return samples == nullptr;
    case Kind::kSample: return sample == nullptr;
    default: return false;
  }
}

std::string Value::TypeName() const {
  switch (kind) {
    case Kind::kInvalid: return "<nil>";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kUint8: return "uint8";
    case Kind::kFloat: return "float64";
    case Kind::kString: return "string";
    case Kind::kHTML: return "template.HTML";
    case Kind::kStringMap: return "map[string]string";
    case Kind::kAnyMap: return "map[string]interface {}";
    case Kind::kSamples: return "template.queryResult";
    case Kind::kSample: return "*template.sample";
    case Kind::kAlertData:
      return "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }";
    case Kind::kTime: return "*time.Time";
    case Kind::kDuration: return "*time.Duration";
  }
  return "";
}

int64_t Value::Len() const {
  switch (kind) {
    case Kind::kString: case Kind::kHTML: return static_cast<int64_t>(s.size());
    case Kind::kStringMap: return string_map ? static_cast<int64_t>(string_map->size()) : 0;
    case Kind::kAnyMap: return any_map ? static_cast<int64_t>(any_map->size()) : 0;
    case Kind::kSamples: return samples ? static_cast<int64_t>(samples->size()) : 0;
    default: return -1;
  }
}

bool IsTrue(const Value& v) {
  switch (v.kind) {
    case Kind::kInvalid: return false;
    case Kind::kBool: return v.b;
    case Kind::kInt: case Kind::kUint8: return v.i != 0;
    case Kind::kFloat: return v.f != 0;
    case Kind::kString: case Kind::kHTML: case Kind::kStringMap: case Kind::kAnyMap: case Kind::kSamples:
      return v.Len() > 0;
    case Kind::kSample: return v.sample != nullptr;
    case Kind::kAlertData: return true;
    case Kind::kTime: case Kind::kDuration: return true;  // non-nil pointers
  }
  return false;
}

std::string FormatGoTime(int64_t unix_ns) {
  int64_t secs = unix_ns / 1000000000;
  int64_t nanos = unix_ns % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (nanos != 0) {  // Go's .999999999: the fraction without trailing zeros
    std::snprintf(buf, sizeof(buf), ".%09lld", static_cast<long long>(nanos));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  return out + " +0000 UTC";
}

std::string FormatGoDuration(int64_t d) {
  if (d == 0) return "0s";
  bool neg = d < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  auto frac = [](uint64_t v, int prec, std::string& digits) {
    // The last `prec` digits of v as a fraction without trailing zeros.
    std::string f;
    bool print = false;
    for (int i = 0; i < prec; ++i) {
      int digit = static_cast<int>(v % 10);
      print = print || digit != 0;
      if (print) f.insert(f.begin(), static_cast<char>('0' + digit));
      v /= 10;
    }
    if (print) f.insert(f.begin(), '.');
    digits = f;
    return v;
  };
  std::string out;
  if (u < 1000000000) {  // less than a second: ns, µs or ms
    int prec = 0;
    std::string unit;
    if (u < 1000) {
      unit = "ns";
    } else if (u < 1000000) {
      prec = 3;
      unit = "\xC2\xB5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    std::string f;
    uint64_t whole = frac(u, prec, f);
    out = std::to_string(whole) + f + unit;
  } else {
    std::string f;
    uint64_t secs = frac(u, 9, f);
    out = std::to_string(secs % 60) + f + "s";
    uint64_t mins = secs / 60;
    if (mins > 0) {
      out = std::to_string(mins % 60) + "m" + out;
      uint64_t hours = mins / 60;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

}  // namespace cairn::rules::tmpl
