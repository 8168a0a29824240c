// JsonValue: a parsed JSON document, for reading the Prometheus HTTP API's
// answers and VictoriaMetrics' JSON-lines export format. The tree writes JSON
// with util/json_writer and had no reader outside yaml-cpp, which is too slow
// for import lines; this one is a plain recursive-descent parser (RFC 8259).
//
//   auto v = ParseJson(body);
//   if (!v.ok()) ...;                           // "json: ... at offset 17"
//   const JsonValue* data = v->Find("data");    // nullptr when absent
//
// Numbers keep their source text next to the double, so integers beyond 2^53
// and Prometheus' float strings survive a round trip. Object members keep
// their order. Nesting is limited (kMaxDepth) so hostile input cannot
// overflow the stack. Thread-safety: values are plain data.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cairn::cairnctl {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  static constexpr int kMaxDepth = 256;

  JsonValue() = default;
  static JsonValue Bool(bool b);
  static JsonValue Number(double d, std::string text);
  static JsonValue String(std::string s);
  static JsonValue Array(std::vector<JsonValue> items);
  static JsonValue Object(std::vector<std::pair<std::string, JsonValue>> members);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }
  bool is_number() const { return type_ == Type::kNumber; }

  bool bool_value() const { return bool_; }
  double number() const { return number_; }
  // A string's value, or a number's source text; "" otherwise.
  const std::string& str() const { return text_; }
  const std::vector<JsonValue>& items() const { return items_; }
  const std::vector<std::pair<std::string, JsonValue>>& members() const { return members_; }

  // The first member named `key` of an object; nullptr when absent or not an
  // object.
  const JsonValue* Find(std::string_view key) const;
  // The string value of member `key`, or "" when absent or not a string.
  std::string GetString(std::string_view key) const;

  // Compact JSON text (member order kept, numbers as their source text).
  std::string Serialize() const;
  void SerializeTo(std::string* out) const;

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string text_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

// Parses exactly one JSON value (surrounding whitespace allowed). Errors
// (InvalidArgument) name the byte offset: "json: unexpected character 'x' at
// offset 12".
Result<JsonValue> ParseJson(std::string_view text);

// An object's members as a sorted map of strings (a Prometheus label set);
// non-string members are skipped.
std::map<std::string, std::string> StringMap(const JsonValue& object);

}  // namespace cairn::cairnctl
