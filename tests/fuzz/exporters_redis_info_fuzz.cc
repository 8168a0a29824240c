// Fuzzes the Redis exporter's parsers on arbitrary bytes: INFO text into
// families (with the keyspace, commandstats, latencystats and replication
// lines it may hold), CLUSTER INFO, CONFIG GET pairs and --redis.addr. None
// may crash or trip a sanitizer, and every family name must be a valid
// metric name starting with "redis_".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "exporters/redis/info.h"
#include "exporters/redis/redis_address.h"

namespace redis = cairn::exporters::redis;

namespace {

bool ValidName(const std::string& name) {
  if (name.rfind("redis_", 0) != 0) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  cairn::exporters::FamilySet set;
  redis::InfoToFamilies(redis::ParseInfo(text), static_cast<int>(size % 20), 1.7e9, &set);
  redis::ClusterInfoToFamilies(text, &set);
  std::vector<std::string> pairs;
  size_t start = 0;
  while (start < text.size() && pairs.size() < 64) {
    size_t nl = text.find('\n', start);
    pairs.emplace_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  redis::ConfigToFamilies(pairs, &set);
  for (const auto& family : set.Take()) {
    if (!ValidName(family.name)) std::abort();
  }
  redis::KeyspaceStats ks;
  redis::ParseKeyspace(text, &ks);
  auto address = redis::ParseRedisAddress(text);
  if (address.ok() && address->unix_path.empty() && (address->port <= 0 || address->port > 65535)) std::abort();
  redis::RedactRedisAddress(text);
  return 0;
}
