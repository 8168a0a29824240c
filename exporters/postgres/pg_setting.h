// One row of PostgreSQL's pg_settings view turned into a pg_settings_* sample,
// as postgres_exporter 0.11 does it (cmd/postgres_exporter/pg_setting.go):
// the name with '.' replaced by '_', booleans as 1/0, and numbers with a unit
// converted to seconds or bytes with "_seconds"/"_bytes" appended to the name
// and "[Units converted to ...]" to the help. -1 (PostgreSQL's "disabled") is
// kept as -1, unconverted.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "util/status.h"

namespace cairn::exporters::postgres {

// The columns the exporter selects from pg_settings (unit is '' when NULL).
struct PgSetting {
  std::string name;
  std::string setting;
  std::string unit;
  std::string short_desc;
  std::string vartype;  // "bool", "integer" or "real"
};

struct SettingSample {
  std::string metric_name;  // "pg_settings_work_mem_bytes"
  std::string help;
  double value = 0;
};

// The query whose rows SettingToSample takes.
extern const char kSettingsQuery[];

// The sample for `s`; InvalidArgument for an unknown vartype or unit or a
// setting that is not a number (upstream panics there; we drop the row).
Result<SettingSample> SettingToSample(const PgSetting& s);

}  // namespace cairn::exporters::postgres
