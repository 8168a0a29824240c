// JsonWriter: a small streaming JSON writer that appends to a std::string, and
// the number formats of Prometheus' HTTP API (COMPAT.md §1.3).
//
// The writer tracks nesting so callers never place commas by hand:
//
//   JsonWriter w(&out);
//   w.BeginObject();
//   w.Key("status"); w.String("success");
//   w.Key("data"); w.BeginArray(); w.String("up"); w.EndArray();
//   w.EndObject();
//
// It does not validate structure beyond comma placement; a Key() outside an
// object is a caller bug. Thread-safety: one writer per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cairn {

// Go's strconv.AppendFloat(v, 'f' or 'e', -1, 64) as Prometheus' jsonutil
// uses it: shortest round-trip digits, fixed notation unless 0 < |v| < 1e-6
// or |v| >= 1e21, then exponent form ("1e-07", "1.5e+21"). Special values
// are "NaN", "+Inf", "-Inf".
std::string FormatFloat(double v);

// Milliseconds as API seconds: integer seconds, then "." and exactly three
// digits when the millisecond part is non-zero ("12", "12.050", "-1.500").
std::string FormatTimestamp(int64_t t_ms);

class JsonWriter {
 public:
  // `out` must outlive the writer; output is appended.
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // An object key; the next value call supplies its value.
  void Key(std::string_view key);

  void String(std::string_view s);
  void Int(int64_t v);
  void Uint(uint64_t v);
  void Bool(bool v);
  void Null();
  // A Prometheus sample value: FormatFloat as a JSON string.
  void FloatString(double v);
  // A timestamp as a bare JSON number (FormatTimestamp).
  void Timestamp(int64_t t_ms);
  // A plain JSON number; NaN and infinities are written as null.
  void Double(double v);
  // Pre-encoded JSON text, inserted as one value.
  void Raw(std::string_view json);

  std::string* out() { return out_; }

 private:
  void BeforeValue();
  void AppendEscaped(std::string_view s);

  std::string* out_;
  // One entry per open container: true once it holds a first element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace cairn
