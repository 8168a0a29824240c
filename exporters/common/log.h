// Logging for exporters: logfmt lines on stderr, like go-kit's logger that the
// upstream exporters use ("ts=... level=info msg=... key=value").
// Thread-safe: each line is written with a single write().
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace cairn::exporters {

enum class LogLevel { kDebug = 0, kInfo, kWarn, kError };

// Parses "debug", "info", "warn", "error"; false on anything else.
bool ParseLogLevel(std::string_view text, LogLevel* level);
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

using LogField = std::pair<std::string_view, std::string_view>;
// Writes `ts=<RFC3339> level=<level> msg=<msg> k=v...` when `level` is enabled.
void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

}  // namespace cairn::exporters
