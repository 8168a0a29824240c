#include "exporters/postgres/postgres_collector.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <openssl/evp.h>

#include "exporters/common/log.h"
#include "exporters/common/scrape_deadline.h"
#include "exporters/postgres/builtin_namespaces.h"
#include "exporters/postgres/dsn.h"
#include "exporters/postgres/pg_setting.h"
#include "exporters/postgres/user_queries.h"

namespace cairn::exporters::postgres {

namespace {

using prometheus::MetricType;
using Clock = std::chrono::steady_clock;

constexpr char kBgwriterQuery[] =
    "SELECT checkpoints_timed, checkpoints_req, checkpoint_write_time, checkpoint_sync_time, buffers_checkpoint, "
    "buffers_clean, maxwritten_clean, buffers_backend, buffers_backend_fsync, buffers_alloc, stats_reset "
    "FROM pg_stat_bgwriter;";
constexpr char kDatabaseSizeQuery[] =
    "SELECT pg_database.datname, pg_database_size(pg_database.datname) FROM pg_database;";

// pg_stat_bgwriter's columns in kBgwriterQuery's order: metric suffix and help.
constexpr std::pair<const char*, const char*> kBgwriterColumns[] = {
    {"checkpoints_timed_total", "Number of scheduled checkpoints that have been performed"},
    {"checkpoints_req_total", "Number of requested checkpoints that have been performed"},
    {"checkpoint_write_time_total", "Time spent writing files to disk in checkpoints, in milliseconds"},
    {"checkpoint_sync_time_total", "Time spent synchronizing files to disk in checkpoints, in milliseconds"},
    {"buffers_checkpoint_total", "Number of buffers written during checkpoints"},
    {"buffers_clean_total", "Number of buffers written by the background writer"},
    {"maxwritten_clean_total", "Times the background writer stopped a cleaning scan for writing too many buffers"},
    {"buffers_backend_total", "Number of buffers written directly by a backend"},
    {"buffers_backend_fsync_total", "Times a backend had to execute its own fsync call"},
    {"buffers_alloc_total", "Number of buffers allocated"},
    {"stats_reset_total", "Time at which these statistics were last reset"},
};

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string out;
  char hex[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

PostgresCollector::PostgresCollector(PostgresCollectorOptions options)
    : options_(std::move(options)), state_(options_.dsn) {
  Result<std::string> fingerprint = ServerFingerprint(options_.dsn);
  if (fingerprint.ok()) {
    server_ = *fingerprint;
  } else {
    Log(LogLevel::kError, "Unable to parse DSN", {{"dsn", RedactDsn(options_.dsn)}, {"err", fingerprint.status().message()}});
  }
  LoadUserQueries();
}

void PostgresCollector::LoadUserQueries() {
  if (options_.user_queries_path.empty()) return;
  std::ifstream in(options_.user_queries_path, std::ios::binary);
  if (!in) {
    Log(LogLevel::kError, "Failed to reload user queries", {{"path", options_.user_queries_path}, {"err", "cannot open"}});
    state_.user_queries_error = true;
    return;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  state_.user_queries_hash = Sha256Hex(buffer.str());
  Result<std::vector<QueryNamespace>> parsed = ParseUserQueries(buffer.str());
  if (!parsed.ok()) {
    Log(LogLevel::kError, "Failed to reload user queries",
        {{"path", options_.user_queries_path}, {"err", parsed.status().message()}});
    state_.user_queries_error = true;
    return;
  }
  state_.user_queries = std::move(parsed).value();
}

std::vector<prometheus::MetricFamily> PostgresCollector::Collect() const {
  return CollectBy(CurrentScrapeDeadline());
}

std::vector<prometheus::MetricFamily> PostgresCollector::CollectBy(Deadline deadline) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::time_point start = Clock::now();
  state_.scrapes += 1;
  FamilySet out;
  bool had_error = false;
  const bool up = ScrapeServer(deadline, &out, &had_error);
  out.Add("pg_exporter_last_scrape_duration_seconds", "Duration of the last scrape of metrics from PostgreSQL.",
          MetricType::Gauge, {}, SecondsSince(start));
  out.Add("pg_exporter_scrapes_total", "Total number of times PostgreSQL was scraped for metrics.",
          MetricType::Counter, {}, state_.scrapes);
  out.Add("pg_exporter_last_scrape_error",
          "Whether the last scrape of metrics from PostgreSQL resulted in an error (1 for error, 0 for success).",
          MetricType::Gauge, {}, had_error || !up ? 1 : 0);
  out.Add("pg_up", "Whether the last scrape of metrics from PostgreSQL was able to connect to the server (1 for yes, 0 for no).",
          MetricType::Gauge, {}, up ? 1 : 0);
  if (!options_.user_queries_path.empty()) {
    out.Add("pg_exporter_user_queries_load_error",
            "Whether the user queries file was loaded and parsed successfully (1 for error, 0 for success).",
            MetricType::Gauge, {{"filename", options_.user_queries_path}, {"hashsum", state_.user_queries_hash}},
            state_.user_queries_error ? 1 : 0);
  }
  return out.Take();
}

bool PostgresCollector::ScrapeServer(Deadline deadline, FamilySet* out, bool* had_error) const {
  PgConnection& conn = state_.conn;
  const LabelPairs server_labels = {{"server", server_}};
  // The "database" and "bgwriter" collectors report their own success, also
  // when there is no connection at all.
  auto collector_result = [&](const char* name, Clock::time_point began, bool ok) {
    out->Add("pg_scrape_collector_duration_seconds", "postgres_exporter: Duration of a collector scrape.",
             MetricType::Gauge, {{"collector", name}}, SecondsSince(began));
    out->Add("pg_scrape_collector_success", "postgres_exporter: Whether a collector succeeded.", MetricType::Gauge,
             {{"collector", name}}, ok ? 1 : 0);
  };
  auto fail = [&](const Status& s) {
    Log(LogLevel::kError, "Error opening connection to database", {{"server", server_}, {"err", s.message()}});
    collector_result("bgwriter", Clock::now(), false);
    collector_result("database", Clock::now(), false);
    return false;
  };
  if (Status s = conn.Connect(deadline); !s.ok()) return fail(s);

  Result<QueryResult> version_rows = conn.Query("SELECT version();", deadline);
  if (!version_rows.ok()) return fail(version_rows.status());
  std::string version_text;
  if (!version_rows->rows.empty() && !version_rows->rows[0].empty() && version_rows->rows[0][0]) {
    version_text = *version_rows->rows[0][0];
  }
  std::optional<ServerVersion> version = ParseServerVersion(version_text);
  if (!version) {
    Log(LogLevel::kWarn, "Could not find a postgres version", {{"server", server_}, {"version", version_text}});
    *had_error = true;
    version = ServerVersion{};
  }
  if (!options_.disable_default_metrics) {
    out->Add("pg_static", "Version string as reported by postgres", MetricType::Untyped,
             {{"server", server_}, {"version", version_text}, {"short_version", version->String()}}, 1);
  }

  auto run = [&](const std::string& what, const std::string& sql) -> std::optional<QueryResult> {
    if (!conn.connected()) return std::nullopt;  // an earlier timeout closed it
    Result<QueryResult> r = conn.Query(sql, deadline);
    if (!r.ok()) {
      Log(LogLevel::kError, "Error running query", {{"server", server_}, {"namespace", what}, {"err", r.status().message()}});
      *had_error = true;
      return std::nullopt;
    }
    return std::move(r).value();
  };

  if (!options_.disable_settings_metrics) {
    if (std::optional<QueryResult> rows = run("pg_settings", kSettingsQuery)) {
      for (const auto& row : rows->rows) {
        if (row.size() != 5) continue;
        PgSetting s{row[0].value_or(""), row[1].value_or(""), row[2].value_or(""), row[3].value_or(""),
                    row[4].value_or("")};
        Result<SettingSample> sample = SettingToSample(s);
        if (!sample.ok()) {
          Log(LogLevel::kWarn, "Skipping setting", {{"err", sample.status().message()}});
          continue;
        }
        out->Add(sample->metric_name, sample->help, MetricType::Gauge, server_labels, sample->value);
      }
    }
  }

  // Built-in namespaces, replaced by a user query of the same name.
  std::vector<QueryNamespace> namespaces;
  if (!options_.disable_default_metrics) namespaces = BuiltinNamespaces(version->Num());
  for (const QueryNamespace& user : state_.user_queries) {
    bool replaced = false;
    for (QueryNamespace& ns : namespaces) {
      if (ns.name == user.name) {
        ns = user;
        replaced = true;
      }
    }
    if (!replaced) namespaces.push_back(user);
  }
  const Clock::time_point now = Clock::now();
  for (const QueryNamespace& ns : namespaces) {
    if (!ns.run_on_server.empty() && !VersionInRange(ns.run_on_server, *version)) continue;
    const QueryResult* rows = nullptr;
    std::optional<QueryResult> fresh;
    auto cached = state_.cache.find(ns.name);
    if (ns.cache_seconds > 0 && cached != state_.cache.end() &&
        now - cached->second.at <= std::chrono::seconds(ns.cache_seconds)) {
      rows = &cached->second.result;
    } else {
      fresh = run(ns.name, ns.query.empty() ? "SELECT * FROM " + ns.name + ";" : ns.query);
      if (!fresh) continue;
      if (ns.cache_seconds > 0) {
        state_.cache[ns.name] = CachedRows{now, *fresh};
        rows = &state_.cache[ns.name].result;
      } else {
        rows = &*fresh;
      }
    }
    std::vector<std::string> errors;
    RowsToFamilies(ns, version->Num(), *rows, server_labels, out, &errors);
    for (const std::string& e : errors) Log(LogLevel::kInfo, e);
  }

  if (!options_.disable_default_metrics) {
    Clock::time_point began = Clock::now();
    std::optional<QueryResult> sizes = run("database", kDatabaseSizeQuery);
    if (sizes) {
      for (const auto& row : sizes->rows) {
        if (row.size() != 2) continue;
        std::optional<double> v = ValueOf(PgType::kInt, row[1]);
        out->Add("pg_database_size_bytes", "Disk space used by the database", MetricType::Gauge,
                 {{"datname", row[0].value_or("")}, {"server", server_}}, v.value_or(0));
      }
    }
    collector_result("database", began, sizes.has_value());

    began = Clock::now();
    std::optional<QueryResult> bgwriter = run("bgwriter", kBgwriterQuery);
    bool bgwriter_ok = bgwriter && bgwriter->rows.size() == 1 && bgwriter->rows[0].size() == std::size(kBgwriterColumns);
    if (bgwriter_ok) {
      for (size_t i = 0; i < std::size(kBgwriterColumns); ++i) {
        std::optional<double> v = ValueOf(bgwriter->types[i], bgwriter->rows[0][i]);
        out->Add(std::string("pg_stat_bgwriter_") + kBgwriterColumns[i].first, kBgwriterColumns[i].second,
                 MetricType::Counter, server_labels, v.value_or(0));
      }
    }
    collector_result("bgwriter", began, bgwriter_ok);
  }
  return conn.connected();
}

}  // namespace cairn::exporters::postgres
