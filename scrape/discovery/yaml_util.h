// Small helpers for reading Prometheus-style YAML with yaml-cpp: positions in
// messages, loading without exceptions, and typed field readers that reject
// what Go's yaml.UnmarshalStrict rejects. yaml-cpp throws; every throw is
// caught here and turned into a Status (shared/STYLE.md §5).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "util/status.h"

namespace cairn::scrape::discovery {

// "line N: " for a node that came from text, "" otherwise.
std::string At(const YAML::Node& node);

// Parses one YAML (or JSON) document; an empty text is a null node.
Result<YAML::Node> LoadYaml(std::string_view text);

// Fails on a key of `map` not in `known`, as UnmarshalStrict does:
// "line N: field <key> not found in type <type>".
Status CheckKnownKeys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                      std::string_view type);

// Field readers: leave `*out` as it is (the default) when the key is absent or
// null; fail with the line when the value has the wrong shape.
Status ReadString(const YAML::Node& map, const char* key, std::string* out);
Status ReadStringList(const YAML::Node& map, const char* key, std::vector<std::string>* out);
Status ReadDurationMs(const YAML::Node& map, const char* key, int64_t* out);
Status ReadInt(const YAML::Node& map, const char* key, int64_t* out);

}  // namespace cairn::scrape::discovery
