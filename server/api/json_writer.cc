#include "server/api/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace cairn::server::api {

std::string FormatFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  double abs = std::fabs(v);
  auto fmt = std::chars_format::fixed;
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) fmt = std::chars_format::scientific;
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, fmt);
  return std::string(buf, res.ptr);
}

std::string FormatTimestamp(int64_t t_ms) {
  std::string s;
  uint64_t abs;
  if (t_ms < 0) {
    s.push_back('-');
    abs = static_cast<uint64_t>(-(t_ms + 1)) + 1;  // safe for INT64_MIN
  } else {
    abs = static_cast<uint64_t>(t_ms);
  }
  s += std::to_string(abs / 1000);
  unsigned frac = static_cast<unsigned>(abs % 1000);
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), ".%03u", frac);
    s += buf;
  }
  return s;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_element_.empty()) {
    if (has_element_.back()) out_->push_back(',');
    has_element_.back() = true;
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  has_element_.push_back(false);
}

void JsonWriter::EndObject() {
  out_->push_back('}');
  has_element_.pop_back();
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  has_element_.push_back(false);
}

void JsonWriter::EndArray() {
  out_->push_back(']');
  has_element_.pop_back();
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendEscaped(key);
  out_->push_back(':');
  after_key_ = true;
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendEscaped(s);
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  *out_ += std::to_string(v);
}

void JsonWriter::Uint(uint64_t v) {
  BeforeValue();
  *out_ += std::to_string(v);
}

void JsonWriter::Bool(bool v) {
  BeforeValue();
  *out_ += v ? "true" : "false";
}

void JsonWriter::Null() {
  BeforeValue();
  *out_ += "null";
}

void JsonWriter::FloatString(double v) {
  BeforeValue();
  out_->push_back('"');
  *out_ += FormatFloat(v);
  out_->push_back('"');
}

void JsonWriter::Timestamp(int64_t t_ms) {
  BeforeValue();
  *out_ += FormatTimestamp(t_ms);
}

void JsonWriter::Double(double v) {
  BeforeValue();
  if (!std::isfinite(v)) {
    *out_ += "null";
    return;
  }
  // Go's encoding/json uses the same notation switch as FormatFloat.
  *out_ += FormatFloat(v);
}

void JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  *out_ += json;
}

void JsonWriter::AppendEscaped(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_->push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': *out_ += "\\\""; break;
      case '\\': *out_ += "\\\\"; break;
      case '\n': *out_ += "\\n"; break;
      case '\r': *out_ += "\\r"; break;
      case '\t': *out_ += "\\t"; break;
      default:
        if (c < 0x20) {
          *out_ += "\\u00";
          out_->push_back(kHex[c >> 4]);
          out_->push_back(kHex[c & 0xf]);
        } else {
          out_->push_back(static_cast<char>(c));
        }
    }
  }
  out_->push_back('"');
}

}  // namespace cairn::server::api
