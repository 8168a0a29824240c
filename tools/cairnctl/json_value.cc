#include "tools/cairnctl/json_value.h"

#include <charconv>
#include <cstdlib>

#include "util/go_quote.h"
#include "util/json_writer.h"

namespace cairn::cairnctl {

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.type_ = Type::kBool;
  v.bool_ = b;
  return v;
}

JsonValue JsonValue::Number(double d, std::string text) {
  JsonValue v;
  v.type_ = Type::kNumber;
  v.number_ = d;
  v.text_ = std::move(text);
  return v;
}

JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.type_ = Type::kString;
  v.text_ = std::move(s);
  return v;
}

JsonValue JsonValue::Array(std::vector<JsonValue> items) {
  JsonValue v;
  v.type_ = Type::kArray;
  v.items_ = std::move(items);
  return v;
}

JsonValue JsonValue::Object(std::vector<std::pair<std::string, JsonValue>> members) {
  JsonValue v;
  v.type_ = Type::kObject;
  v.members_ = std::move(members);
  return v;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string JsonValue::GetString(std::string_view key) const {
  const JsonValue* v = Find(key);
  return v != nullptr && v->is_string() ? v->str() : std::string();
}

std::string JsonValue::Serialize() const {
  std::string out;
  SerializeTo(&out);
  return out;
}

namespace {

void SerializeValue(const JsonValue& v, JsonWriter* w) {
  switch (v.type()) {
    case JsonValue::Type::kNull: w->Null(); break;
    case JsonValue::Type::kBool: w->Bool(v.bool_value()); break;
    case JsonValue::Type::kNumber: w->Raw(v.str()); break;
    case JsonValue::Type::kString: w->String(v.str()); break;
    case JsonValue::Type::kArray:
      w->BeginArray();
      for (const auto& item : v.items()) SerializeValue(item, w);
      w->EndArray();
      break;
    case JsonValue::Type::kObject:
      w->BeginObject();
      for (const auto& [k, m] : v.members()) {
        w->Key(k);
        SerializeValue(m, w);
      }
      w->EndObject();
      break;
  }
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<JsonValue> ParseDocument() {
    SkipSpace();
    JsonValue v;
    CAIRN_RETURN_IF_ERROR(ParseValue(0, &v));
    SkipSpace();
    if (pos_ != s_.size()) return Unexpected();
    return v;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }

  Status Unexpected() const {
    if (pos_ >= s_.size()) return Status::InvalidArgument("json: unexpected end of input");
    std::string c(1, s_[pos_]);
    return Status::InvalidArgument("json: unexpected character '" + c + "' at offset " + std::to_string(pos_));
  }

  bool Consume(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status ParseValue(int depth, JsonValue* out) {
    if (depth > JsonValue::kMaxDepth) return Status::InvalidArgument("json: nesting too deep");
    if (pos_ >= s_.size()) return Unexpected();
    switch (s_[pos_]) {
      case '{': return ParseObject(depth, out);
      case '[': return ParseArray(depth, out);
      case '"': {
        std::string s;
        CAIRN_RETURN_IF_ERROR(ParseString(&s));
        *out = JsonValue::String(std::move(s));
        return Status::OK();
      }
      case 't':
        if (!Consume("true")) return Unexpected();
        *out = JsonValue::Bool(true);
        return Status::OK();
      case 'f':
        if (!Consume("false")) return Unexpected();
        *out = JsonValue::Bool(false);
        return Status::OK();
      case 'n':
        if (!Consume("null")) return Unexpected();
        *out = JsonValue();
        return Status::OK();
      default: return ParseNumber(out);
    }
  }

  Status ParseObject(int depth, JsonValue* out) {
    ++pos_;  // '{'
    std::vector<std::pair<std::string, JsonValue>> members;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      *out = JsonValue::Object(std::move(members));
      return Status::OK();
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Unexpected();
      std::string key;
      CAIRN_RETURN_IF_ERROR(ParseString(&key));
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Unexpected();
      ++pos_;
      SkipSpace();
      JsonValue v;
      CAIRN_RETURN_IF_ERROR(ParseValue(depth + 1, &v));
      members.emplace_back(std::move(key), std::move(v));
      SkipSpace();
      if (pos_ >= s_.size()) return Unexpected();
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] != '}') return Unexpected();
      ++pos_;
      *out = JsonValue::Object(std::move(members));
      return Status::OK();
    }
  }

  Status ParseArray(int depth, JsonValue* out) {
    ++pos_;  // '['
    std::vector<JsonValue> items;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      *out = JsonValue::Array(std::move(items));
      return Status::OK();
    }
    while (true) {
      SkipSpace();
      JsonValue v;
      CAIRN_RETURN_IF_ERROR(ParseValue(depth + 1, &v));
      items.push_back(std::move(v));
      SkipSpace();
      if (pos_ >= s_.size()) return Unexpected();
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] != ']') return Unexpected();
      ++pos_;
      *out = JsonValue::Array(std::move(items));
      return Status::OK();
    }
  }

  static int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool ParseHex4(uint32_t* out) {
    if (pos_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int d = HexDigit(s_[pos_ + i]);
      if (d < 0) return false;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    pos_ += 4;
    *out = v;
    return true;
  }

  Status ParseString(std::string* out) {
    ++pos_;  // '"'
    while (true) {
      // Copy the run up to the next quote or escape in one go.
      size_t start = pos_;
      while (pos_ < s_.size() && s_[pos_] != '"' && s_[pos_] != '\\') {
        if (static_cast<unsigned char>(s_[pos_]) < 0x20) return Unexpected();
        ++pos_;
      }
      out->append(s_.substr(start, pos_ - start));
      if (pos_ >= s_.size()) return Unexpected();
      if (s_[pos_] == '"') {
        ++pos_;
        return Status::OK();
      }
      ++pos_;  // '\\'
      if (pos_ >= s_.size()) return Unexpected();
      char e = s_[pos_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (!ParseHex4(&cp)) return Status::InvalidArgument("json: bad \\u escape at offset " + std::to_string(pos_));
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
            size_t save = pos_;
            if (Consume("\\u") && ParseHex4(&lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              pos_ = save;
              cp = 0xFFFD;  // a lone surrogate, as Go's decoder replaces it
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          AppendUtf8(*out, cp);
          break;
        }
        default:
          --pos_;
          return Unexpected();
      }
    }
  }

  Status ParseNumber(JsonValue* out) {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ - d;
    };
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return Unexpected();
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return Unexpected();
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return Unexpected();
    }
    std::string text(s_.substr(start, pos_ - start));
    double d = std::strtod(text.c_str(), nullptr);
    *out = JsonValue::Number(d, std::move(text));
    return Status::OK();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

void JsonValue::SerializeTo(std::string* out) const {
  JsonWriter w(out);
  SerializeValue(*this, &w);
}

Result<JsonValue> ParseJson(std::string_view text) { return Parser(text).ParseDocument(); }

std::map<std::string, std::string> StringMap(const JsonValue& object) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : object.members()) {
    if (v.is_string()) out[k] = v.str();
  }
  return out;
}

}  // namespace cairn::cairnctl
