// cairn-postgres-exporter: PostgreSQL metrics with postgres_exporter 0.11's
// names (docs/exporters.md). The DSN comes from DATA_SOURCE_NAME or
// --data-source-name (the flag wins), as a URI or libpq key=value string.
#include <cstdlib>
#include <memory>
#include <string>

#include "exporters/common/exporter.h"
#include "exporters/common/log.h"
#include "exporters/postgres/postgres_collector.h"

namespace {

std::string Env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr ? v : fallback;
}

bool EnvBool(const char* name) { return Env(name) == "true" || Env(name) == "1"; }

}  // namespace

int main(int argc, char** argv) {
  using cairn::exporters::Exporter;
  Exporter exporter({.name = "postgres_exporter",
                     .title = "Postgres Exporter",
                     .description = "PostgreSQL metrics with postgres_exporter's names",
                     .default_listen_address = ":9187",
                     .build_info = cairn::exporters::StandardBuildInfo("postgres_exporter")});
  cairn::exporters::postgres::PostgresCollectorOptions options;
  options.dsn = Env("DATA_SOURCE_NAME");
  options.user_queries_path = Env("PG_EXPORTER_EXTEND_QUERY_PATH");
  options.disable_default_metrics = EnvBool("PG_EXPORTER_DISABLE_DEFAULT_METRICS");
  options.disable_settings_metrics = EnvBool("PG_EXPORTER_DISABLE_SETTINGS_METRICS");
  CLI::App& flags = exporter.flags();
  flags.add_option("--data-source-name", options.dsn,
                   "PostgreSQL connection: a URI or libpq key=value string (default: $DATA_SOURCE_NAME)");
  flags.add_option("--extend.query-path", options.user_queries_path,
                   "Path to custom queries to run, in postgres_exporter's queries.yaml format");
  flags.add_flag("--disable-default-metrics", options.disable_default_metrics, "Do not include default metrics.");
  flags.add_flag("--disable-settings-metrics", options.disable_settings_metrics,
                 "Do not include pg_settings metrics.");
  if (auto exit_code = exporter.ParseFlags(argc, argv)) return *exit_code;
  if (options.dsn.empty()) {
    cairn::exporters::Log(cairn::exporters::LogLevel::kError,
                          "couldn't find environment variables describing the datasource to use");
    return 1;
  }
  exporter.AddCollector(std::make_shared<cairn::exporters::postgres::PostgresCollector>(options));
  return exporter.Run();
}
