// Fuzzes the PostgreSQL exporter's parsers on arbitrary bytes: a queries.yaml
// file, and when it parses, its namespaces run over a result whose columns are
// the file's columns and whose cells are lines of the input; also the DSN,
// duration, version and semver-range parsers and the pg_settings conversion.
// None may crash or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "exporters/postgres/dsn.h"
#include "exporters/postgres/pg_setting.h"
#include "exporters/postgres/query_namespace.h"
#include "exporters/postgres/user_queries.h"

namespace pg = cairn::exporters::postgres;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size() && lines.size() < 32) {
    size_t nl = text.find('\n', start);
    lines.emplace_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  auto queries = pg::ParseUserQueries(text);
  if (queries.ok()) {
    for (const pg::QueryNamespace& ns : *queries) {
      pg::QueryResult result;
      for (const auto& [column, mapping] : ns.columns) {
        result.columns.push_back(column);
        result.types.push_back(static_cast<pg::PgType>(result.columns.size() % 5));
      }
      for (size_t r = 0; r < 3; ++r) {
        std::vector<std::optional<std::string>> row;
        for (size_t c = 0; c < result.columns.size(); ++c) {
          size_t i = (r * 7 + c) % lines.size();
          row.push_back(i % 4 == 3 ? std::nullopt : std::optional<std::string>(lines[i]));
        }
        result.rows.push_back(std::move(row));
      }
      cairn::exporters::FamilySet set;
      std::vector<std::string> errors;
      pg::RowsToFamilies(ns, 150000, result, {{"server", "fuzz:5432"}}, &set, &errors);
      set.Take();
      if (!ns.run_on_server.empty()) pg::VersionInRange(ns.run_on_server, pg::ServerVersion{15, 0, 0});
    }
  }
  for (const std::string& line : lines) {
    (void)pg::ServerFingerprint(line);
    pg::RedactDsn(line);
    pg::ParseGoDurationMs(line);
    pg::ParseServerVersion(line);
    pg::VersionInRange(line, pg::ServerVersion{9, 6, 0});
    pg::ValueOf(pg::PgType::kTimestamp, line);
    pg::LabelOf(pg::PgType::kFloat, line);
  }
  if (lines.size() >= 5) {
    (void)pg::SettingToSample({lines[0], lines[1], lines[2], lines[3], lines[4]});
  }
  return 0;
}
