#include "scrape/discovery/yaml_util.h"

#include <charconv>

#include "util/duration.h"
#include "util/go_quote.h"

namespace cairn::scrape::discovery {

std::string At(const YAML::Node& node) {
  if (!node || node.Mark().is_null()) return "";
  return "line " + std::to_string(node.Mark().line + 1) + ": ";
}

Result<YAML::Node> LoadYaml(std::string_view text) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Status CheckKnownKeys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                      std::string_view type) {
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    bool found = false;
    for (std::string_view k : known) found = found || k == key;
    if (!found) {
      return Status::InvalidArgument(At(kv.first) + "field " + key + " not found in type " + std::string(type));
    }
  }
  return Status::OK();
}

Status ReadString(const YAML::Node& map, const char* key, std::string* out) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) return Status::OK();
  if (!n.IsScalar()) return Status::InvalidArgument(At(n) + key + " must be a string");
  *out = n.Scalar();
  return Status::OK();
}

Status ReadStringList(const YAML::Node& map, const char* key, std::vector<std::string>* out) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) return Status::OK();
  if (!n.IsSequence()) return Status::InvalidArgument(At(n) + key + " must be a list of strings");
  out->clear();
  for (const auto& item : n) {
    if (!item.IsScalar()) return Status::InvalidArgument(At(item) + key + " must be a list of strings");
    out->push_back(item.Scalar());
  }
  return Status::OK();
}

Status ReadDurationMs(const YAML::Node& map, const char* key, int64_t* out) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) return Status::OK();
  if (!n.IsScalar()) return Status::InvalidArgument(At(n) + key + " must be a duration");
  auto d = ParseDurationMs(n.Scalar());
  if (!d.ok()) return Status::InvalidArgument(At(n) + d.status().message());
  *out = *d;
  return Status::OK();
}

Status ReadInt(const YAML::Node& map, const char* key, int64_t* out) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) return Status::OK();
  const std::string s = n.IsScalar() ? n.Scalar() : "";
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return Status::InvalidArgument(At(n) + "cannot unmarshal " + GoQuote(s) + " into " + key + " (an integer)");
  }
  *out = v;
  return Status::OK();
}

}  // namespace cairn::scrape::discovery
