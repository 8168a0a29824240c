#include "exporters/postgres/user_queries.h"

#include <algorithm>
#include <exception>
#include <string>

#include <yaml-cpp/yaml.h>

namespace cairn::exporters::postgres {

namespace {

std::string Where(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return "";
  return " at line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1);
}

Result<ColumnMapping> ParseMapping(const std::string& ns, const std::string& column, const YAML::Node& node) {
  ColumnMapping m;
  if (!node.IsMap()) return Status::InvalidArgument(ns + "." + column + ": a mapping is expected" + Where(node));
  if (node["usage"]) m.usage = ParseColumnUsage(node["usage"].as<std::string>()).value_or(ColumnUsage::kDiscard);
  if (node["description"]) m.description = node["description"].as<std::string>();
  if (const YAML::Node values = node["metric_mapping"]) {
    if (!values.IsMap()) return Status::InvalidArgument(ns + "." + column + ".metric_mapping: a mapping is expected");
    for (const auto& kv : values) m.value_map[kv.first.as<std::string>()] = kv.second.as<double>();
  }
  return m;
}

Result<QueryNamespace> ParseNamespace(const std::string& name, const YAML::Node& node) {
  if (!node.IsMap()) return Status::InvalidArgument(name + ": a mapping is expected" + Where(node));
  QueryNamespace ns;
  ns.name = name;
  if (node["query"]) ns.query = node["query"].as<std::string>();
  if (node["master"]) ns.master = node["master"].as<bool>();
  if (node["cache_seconds"]) ns.cache_seconds = node["cache_seconds"].as<uint64_t>();
  if (node["runonserver"]) ns.run_on_server = node["runonserver"].as<std::string>();
  if (const YAML::Node metrics = node["metrics"]) {
    if (!metrics.IsSequence()) return Status::InvalidArgument(name + ".metrics: a list is expected" + Where(metrics));
    for (const auto& item : metrics) {
      if (!item.IsMap()) return Status::InvalidArgument(name + ".metrics: an entry is not a mapping" + Where(item));
      for (const auto& kv : item) {
        const std::string column = kv.first.as<std::string>();
        Result<ColumnMapping> m = ParseMapping(name, column, kv.second);
        if (!m.ok()) return m.status();
        ns.columns[column] = std::move(m).value();
      }
    }
  }
  return ns;
}

}  // namespace

Result<std::vector<QueryNamespace>> ParseUserQueries(std::string_view yaml) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    std::vector<QueryNamespace> out;
    if (root.IsNull()) return out;
    if (!root.IsMap()) return Status::InvalidArgument("queries file: a mapping of query names is expected");
    for (const auto& kv : root) {
      Result<QueryNamespace> ns = ParseNamespace(kv.first.as<std::string>(), kv.second);
      if (!ns.ok()) return ns.status();
      out.push_back(std::move(ns).value());
    }
    std::sort(out.begin(), out.end(), [](const QueryNamespace& a, const QueryNamespace& b) { return a.name < b.name; });
    return out;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("queries file: ") + e.what());
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("queries file: ") + e.what());
  }
}

}  // namespace cairn::exporters::postgres
