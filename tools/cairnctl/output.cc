#include "tools/cairnctl/output.h"

#include <algorithm>

#include "util/go_quote.h"
#include "util/json_writer.h"

namespace cairn::cairnctl {

namespace {

// Display width of a UTF-8 string: one column per code point (labels are
// mostly ASCII; wide CJK glyphs would be off by their extra column).
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Upper(std::string s) {
  for (auto& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

void PrintTable(const Table& t, std::ostream& out) {
  std::vector<size_t> width(t.columns.size());
  for (size_t i = 0; i < t.columns.size(); ++i) width[i] = DisplayWidth(t.columns[i]);
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]));
  }
  auto line = [&](const std::vector<std::string>& cells, bool upper) {
    std::string s;
    for (size_t i = 0; i < cells.size() && i < width.size(); ++i) {
      std::string cell = upper ? Upper(cells[i]) : cells[i];
      s += cell;
      // No padding after the last column: no trailing blanks.
      if (i + 1 < cells.size()) s.append(width[i] - DisplayWidth(cell) + 2, ' ');
    }
    out << s << "\n";
  };
  line(t.columns, true);
  for (const auto& row : t.rows) line(row, false);
}

void PrintJson(const Table& t, std::ostream& out) {
  if (!t.json.empty()) {
    out << t.json << "\n";
    return;
  }
  std::string s;
  JsonWriter w(&s);
  w.BeginArray();
  for (const auto& row : t.rows) {
    w.BeginObject();
    for (size_t i = 0; i < row.size() && i < t.columns.size(); ++i) {
      w.Key(t.columns[i]);
      w.String(row[i]);
    }
    w.EndObject();
  }
  w.EndArray();
  out << s << "\n";
}

}  // namespace

std::string CsvRecord(const std::vector<std::string>& cells) {
  std::string s;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) s += ',';
    const std::string& c = cells[i];
    if (c.find_first_of(",\"\r\n") == std::string::npos) {
      s += c;
      continue;
    }
    s += '"';
    for (char ch : c) {
      if (ch == '"') s += '"';
      s += ch;
    }
    s += '"';
  }
  return s;
}

void Print(const Table& table, OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::kTable: PrintTable(table, out); break;
    case OutputFormat::kJson: PrintJson(table, out); break;
    case OutputFormat::kCsv:
      out << CsvRecord(table.columns) << "\n";
      for (const auto& row : table.rows) out << CsvRecord(row) << "\n";
      break;
  }
}

std::string FormatSeries(const std::map<std::string, std::string>& labels) {
  std::string s;
  auto name = labels.find("__name__");
  if (name != labels.end()) s = name->second;
  std::string inner;
  for (const auto& [k, v] : labels) {
    if (k == "__name__") continue;
    if (!inner.empty()) inner += ", ";
    inner += k + "=" + GoQuote(v);
  }
  if (!inner.empty() || s.empty()) s += "{" + inner + "}";
  return s;
}

bool ParseOutputFormat(const std::string& text, OutputFormat* out) {
  if (text == "table") *out = OutputFormat::kTable;
  else if (text == "json") *out = OutputFormat::kJson;
  else if (text == "csv") *out = OutputFormat::kCsv;
  else return false;
  return true;
}

}  // namespace cairn::cairnctl
