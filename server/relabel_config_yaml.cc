#include "server/relabel_config_yaml.h"

#include <cstdlib>
#include <limits>
#include <optional>
#include <set>

#include <re2/re2.h>
#include <yaml-cpp/binary.h>

#include "ingest/go_unicode.h"
#include "storage/labels.h"

namespace cairn::server {
namespace {

constexpr std::string_view kBinaryTag = "tag:yaml.org,2002:binary";
constexpr std::string_view kQuotedTag = "!";  // yaml-cpp's tag for a quoted (non-plain) scalar

std::string Where(const YAML::Node& n) { return "line " + std::to_string(n.Mark().line + 1); }

Status Error(const YAML::Node& n, const std::string& what) {
  return Status::InvalidArgument(Where(n) + ": " + what);
}

// yaml.v2's type error: "cannot unmarshal !!str `abc` into uint64", with
// scalar values cut to 7 bytes and "..." past 10.
Status CannotUnmarshal(const YAML::Node& n, std::string_view tag, std::string_view into) {
  std::string what = "cannot unmarshal " + std::string(tag);
  if (n.IsScalar()) {
    const std::string& v = n.Scalar();
    what += " `" + (v.size() > 10 ? v.substr(0, 7) + "..." : v) + "`";
  }
  return Error(n, what + " into " + std::string(into));
}

std::string_view KindTag(const YAML::Node& n) {
  return n.IsMap() ? "!!map" : n.IsSequence() ? "!!seq" : "!!str";
}

// A YAML value read into a Go string, as yaml.v2 does it: any scalar's text,
// null as "", and !!binary base64-decoded.
Result<std::string> ReadString(const YAML::Node& n) {
  if (n.IsNull()) return std::string();
  if (!n.IsScalar()) return CannotUnmarshal(n, KindTag(n), "string");
  if (n.Tag() == kBinaryTag) {
    const std::vector<unsigned char> bytes = YAML::DecodeBase64(n.Scalar());
    if (bytes.empty() && !n.Scalar().empty()) return Error(n, "!!binary value contains invalid base64 data");
    return std::string(bytes.begin(), bytes.end());
  }
  return n.Scalar();
}

// Go's strconv.ParseUint(s, 0, 64) on an unsigned integer: 0x/0o/0b
// prefixes, a leading 0 for octal.
std::optional<uint64_t> ParseGoUint(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && std::string_view("xXoObB").find(s[1]) != std::string_view::npos) {
    base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : 99;
    if (d >= base) return std::nullopt;
    if (v > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      return std::nullopt;
    }
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  return v;
}

// yaml.v2's float syntax: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsYamlFloat(std::string_view s) {
  static const RE2 kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), kFloat);
}

// yaml.v2's reading of a plain scalar into uint64: an integer in Go syntax
// ('_' separators dropped), or a non-negative float, truncated.
Result<uint64_t> ReadUint64(const YAML::Node& n) {
  if (n.IsNull()) return uint64_t{0};
  if (!n.IsScalar()) return CannotUnmarshal(n, KindTag(n), "uint64");
  const std::string& text = n.Scalar();
  auto bad = [&](std::string_view tag) { return CannotUnmarshal(n, tag, "uint64"); };
  if (n.Tag() == kQuotedTag) return bad("!!str");
  std::string plain;
  for (char c : text)
    if (c != '_') plain.push_back(c);
  const bool negative = !plain.empty() && plain[0] == '-';
  std::string_view unsigned_part(plain);
  if (!unsigned_part.empty() && (unsigned_part[0] == '+' || unsigned_part[0] == '-'))
    unsigned_part.remove_prefix(1);
  if (auto v = ParseGoUint(unsigned_part)) {
    if (negative && *v != 0) return bad("!!int");
    return negative ? uint64_t{0} : *v;
  }
  if (IsYamlFloat(plain)) {
    const double f = std::strtod(plain.c_str(), nullptr);
    if (f >= 0 && f < 18446744073709551616.0) return static_cast<uint64_t>(f);
    return bad("!!float");
  }
  return bad("!!str");
}

Status ReadSourceLabels(const YAML::Node& n, ingest::RelabelConfig* c) {
  if (n.IsNull()) return Status::OK();
  if (!n.IsSequence()) return CannotUnmarshal(n, KindTag(n), "model.LabelNames");
  c->source_labels_given = true;
  for (const YAML::Node& item : n) {
    // yaml.v2 skips a null element's UnmarshalYAML, so it stays "" unchecked.
    if (item.IsNull()) {
      c->source_labels.emplace_back();
      continue;
    }
    auto name = ReadString(item);
    if (!name.ok()) return name.status();
    if (!storage::IsValidLabelName(*name, storage::NameValidationScheme::kUtf8)) {
      return Status::InvalidArgument(ingest::Quote(*name) + " is not a valid label name");
    }
    c->source_labels.push_back(std::move(name).value());
  }
  return Status::OK();
}

Status ReadField(const std::string& key, const YAML::Node& v, ingest::RelabelConfig* c) {
  if (key == "source_labels") return ReadSourceLabels(v, c);
  if (key == "modulus") {
    auto m = ReadUint64(v);
    if (!m.ok()) return m.status();
    c->modulus = *m;
    return Status::OK();
  }
  if (key == "action" && v.IsNull()) {
    // Upstream leaves the action empty here and its Validate says so.
    return Status::InvalidArgument("relabel action cannot be empty");
  }
  auto s = ReadString(v);
  if (!s.ok()) return s.status();
  if (key == "separator") {
    c->separator = std::move(s).value();
  } else if (key == "target_label") {
    c->target_label = std::move(s).value();
  } else if (key == "replacement") {
    c->replacement = std::move(s).value();
  } else if (key == "regex") {
    // A null regex is the empty regex upstream, not the default.
    auto re = ingest::RelabelRegexp::Compile(*s);
    if (!re.ok()) return re.status();
    c->regex = std::move(re).value();
  } else if (key == "action") {
    auto a = ingest::ParseRelabelAction(*s);
    if (!a) return Status::InvalidArgument("unknown relabel action " + ingest::Quote(*s));
    c->action = *a;
  }
  return Status::OK();
}

Result<ingest::RelabelConfig> ParseRelabelConfigNoThrow(const YAML::Node& node) {
  static const std::set<std::string> kKeys = {"source_labels", "separator",   "regex", "modulus",
                                              "target_label",  "replacement", "action"};
  if (!node.IsMap()) return CannotUnmarshal(node, KindTag(node), "relabel.plain");
  ingest::RelabelConfig c;
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    if (!kKeys.count(key)) return Error(kv.first, "field " + key + " not found in type relabel.plain");
    if (!seen.insert(key).second)
      return Error(kv.first, "field " + key + " already set in type relabel.plain");
    CAIRN_RETURN_IF_ERROR(ReadField(key, kv.second, &c));
  }
  return c;
}

}  // namespace

Result<ingest::RelabelConfig> ParseRelabelConfig(const YAML::Node& node) {
  try {
    return ParseRelabelConfigNoThrow(node);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<std::vector<ingest::RelabelConfig>> ParseRelabelConfigs(const YAML::Node& list,
                                                               std::string_view null_rule_error) {
  std::vector<ingest::RelabelConfig> out;
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) return CannotUnmarshal(list, KindTag(list), "[]*relabel.Config");
  // Upstream unmarshals every entry first and complains of null ones after.
  bool has_null = false;
  for (const YAML::Node& item : list) {
    if (item.IsNull()) {
      has_null = true;
      continue;
    }
    auto c = ParseRelabelConfig(item);
    if (!c.ok()) return c.status();
    out.push_back(std::move(c).value());
  }
  if (has_null) return Status::InvalidArgument(std::string(null_rule_error));
  return out;
}

}  // namespace cairn::server
