#include "exporters/postgres/pg_setting.h"

#include <array>
#include <cmath>
#include <string_view>
#include <utility>

#include "util/go_strconv.h"

namespace cairn::exporters::postgres {

const char kSettingsQuery[] =
    "SELECT name, setting, COALESCE(unit, ''), short_desc, vartype FROM pg_settings "
    "WHERE vartype IN ('bool', 'integer', 'real') AND name != 'sync_commit_cancel_wait';";

namespace {

struct UnitFactor {
  std::string_view unit;
  std::string_view base;  // "seconds" or "bytes"
  double factor;
};

// PostgreSQL's units (https://www.postgresql.org/docs/current/config-setting.html),
// including the block-sized ones pg_settings reports ("8kB", "16MB").
constexpr std::array<UnitFactor, 16> kUnits = {{
    {"ms", "seconds", 0},  // divided by 1000, as upstream (0.001 is inexact)
    {"s", "seconds", 1},
    {"min", "seconds", 60},
    {"h", "seconds", 3600},
    {"d", "seconds", 86400},
    {"B", "bytes", 1},
    {"kB", "bytes", 1024.0},
    {"MB", "bytes", 1048576.0},
    {"GB", "bytes", 1073741824.0},
    {"TB", "bytes", 1099511627776.0},
    {"8kB", "bytes", 8192.0},
    {"16kB", "bytes", 16384.0},
    {"32kB", "bytes", 32768.0},
    {"16MB", "bytes", 16777216.0},
    {"32MB", "bytes", 33554432.0},
    {"64MB", "bytes", 67108864.0},
}};

// Some managed servers (AWS Aurora) report "5ms" rather than "5" in setting;
// upstream strips such a suffix before parsing.
std::string_view StripUnitSuffix(std::string_view setting) {
  for (std::string_view u : {"ms", "s", "min", "h", "d", "B", "kB", "MB", "GB", "TB"}) {
    if (setting.size() > u.size() && setting.substr(setting.size() - u.size()) == u) {
      return setting.substr(0, setting.size() - u.size());
    }
  }
  return setting;
}

std::string MetricName(std::string_view setting_name) {
  std::string name = "pg_settings_";
  for (char c : setting_name) name += c == '.' ? '_' : c;
  return name;
}

}  // namespace

Result<SettingSample> SettingToSample(const PgSetting& s) {
  SettingSample out{MetricName(s.name), s.short_desc, 0};
  if (s.vartype == "bool") {
    out.value = s.setting == "on" ? 1 : 0;
    return out;
  }
  if (s.vartype != "integer" && s.vartype != "real") {
    return Status::InvalidArgument("unsupported vartype \"" + s.vartype + "\" of setting " + s.name);
  }
  GoFloat parsed = GoParseFloat(StripUnitSuffix(s.setting));
  if (parsed.error != GoNumError::kNone) {
    return Status::InvalidArgument("setting " + s.name + " value \"" + s.setting + "\" is not a number");
  }
  out.value = parsed.value;
  if (s.unit.empty()) return out;
  const UnitFactor* unit = nullptr;
  for (const UnitFactor& u : kUnits) {
    if (u.unit == s.unit) unit = &u;
  }
  if (unit == nullptr) return Status::InvalidArgument("unknown unit \"" + s.unit + "\" of setting " + s.name);
  out.metric_name += "_" + std::string(unit->base);
  out.help += " [Units converted to " + std::string(unit->base) + ".]";
  if (out.value != -1) {
    out.value = unit->factor == 0 ? out.value / 1000 : out.value * unit->factor;
  }
  return out;
}

}  // namespace cairn::exporters::postgres
