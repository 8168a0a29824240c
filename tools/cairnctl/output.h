// The output layer: every command that prints data builds a Table and hands
// it to Print, which renders --output table|json|csv.
//
//   table  aligned columns under an upper-case header, for people
//   json   the API's own JSON (Table::json) when the command has it, else an
//          array of objects keyed by column name
//   csv    RFC 4180 (quoted when needed), header row first
//
// Series are shown the way Prometheus prints them, `name{a="x", b="y"}` with
// labels sorted by name, and sample values in Prometheus' float format
// (FormatFloat of util/json_writer: "1", "0.1", "1e-07", "+Inf", "NaN").
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each row has columns.size() cells
  // Pre-encoded JSON printed for --output json; "" means "derive from rows".
  std::string json;
};

void Print(const Table& table, OutputFormat format, std::ostream& out);

// `name{a="x", b="y"}`: __name__ first and bare, the rest sorted by name with
// values quoted as Go's %q does; "{}" for an empty set.
std::string FormatSeries(const std::map<std::string, std::string>& labels);

// Parses "table", "json" or "csv".
bool ParseOutputFormat(const std::string& text, OutputFormat* out);

// One CSV record (no trailing newline).
std::string CsvRecord(const std::vector<std::string>& cells);

}  // namespace cairn::cairnctl
