#include "util/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace cairn {

namespace {

// FormatFloat's text into buf (at least 32 bytes: shortest round-trip digits
// need at most 24); returns the end.
char* AppendFloat(char* buf, char* end, double v) {
  if (std::isnan(v)) return std::copy_n("NaN", 3, buf);
  if (std::isinf(v)) return std::copy_n(v > 0 ? "+Inf" : "-Inf", 4, buf);
  double abs = std::fabs(v);
  auto fmt = std::chars_format::fixed;
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) fmt = std::chars_format::scientific;
  return std::to_chars(buf, end, v, fmt).ptr;
}

// FormatTimestamp's text into buf (at least 32 bytes); returns the end.
char* AppendTimestamp(char* buf, char* end, int64_t t_ms) {
  uint64_t abs;
  if (t_ms < 0) {
    *buf++ = '-';
    abs = static_cast<uint64_t>(-(t_ms + 1)) + 1;  // safe for INT64_MIN
  } else {
    abs = static_cast<uint64_t>(t_ms);
  }
  buf = std::to_chars(buf, end, abs / 1000).ptr;
  const unsigned frac = static_cast<unsigned>(abs % 1000);
  if (frac != 0) {
    *buf++ = '.';
    *buf++ = static_cast<char>('0' + frac / 100);
    *buf++ = static_cast<char>('0' + frac / 10 % 10);
    *buf++ = static_cast<char>('0' + frac % 10);
  }
  return buf;
}

}  // namespace

std::string FormatFloat(double v) {
  // Fixed notation of a value just below 1e21 has 21 digits plus sign and
  // fraction; 400 covers any double in fixed form.
  char buf[400];
  return std::string(buf, AppendFloat(buf, buf + sizeof(buf), v));
}

std::string FormatTimestamp(int64_t t_ms) {
  char buf[32];
  return std::string(buf, AppendTimestamp(buf, buf + sizeof(buf), t_ms));
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
  char buf[402];
  buf[0] = '"';
  char* end = AppendFloat(buf + 1, buf + sizeof(buf) - 1, v);
  *end++ = '"';
  out_->append(buf, end);
}

void JsonWriter::Timestamp(int64_t t_ms) {
  BeforeValue();
  char buf[32];
  out_->append(buf, AppendTimestamp(buf, buf + sizeof(buf), t_ms));
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
  // Label names and values rarely need escaping: copy those in one go.
  if (std::none_of(s.begin(), s.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c < 0x20 || c == '"' || c == '\\';
      })) {
    out_->append(s);
    out_->push_back('"');
    return;
  }
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

}  // namespace cairn
