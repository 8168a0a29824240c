#include "tools/cairnctl/import_formats.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "ingest/exposition/parser.h"
#include "tools/cairnctl/json_value.h"
#include "tools/cairnctl/time_arg.h"
#include "util/go_strconv.h"

namespace cairn::cairnctl {

namespace {

using ingest::exposition::Entry;
using ingest::exposition::Format;

void SortLabels(ImportSample* s) { std::sort(s->labels.begin(), s->labels.end()); }

// Text lines: each line is parsed on its own (a fresh parser over the line),
// so an error is tied to its line and the next line starts clean.
class TextDecoder : public LineDecoder {
 public:
  explicit TextDecoder(bool openmetrics) : openmetrics_(openmetrics) {}

  Status Decode(std::string_view line, std::vector<ImportSample>* out) override {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos || line[start] == '#') return Status::OK();
    buf_.assign(line);
    buf_ += '\n';
    // The OpenMetrics parser wants its terminator; the sample line is all
    // that precedes it.
    if (openmetrics_) buf_ += "# EOF\n";
    auto parser = ingest::exposition::NewParser(openmetrics_ ? Format::kOpenMetrics : Format::kPrometheusText, buf_);
    auto e = parser->Next();
    if (!e.ok()) return e.status();
    if (*e != Entry::kSeries) return Status::InvalidArgument("not a sample line");
    auto ts = parser->Timestamp();
    if (!ts) return Status::InvalidArgument("sample has no timestamp");
    if (openmetrics_) {
      // The parser truncates seconds x 1000 toward zero, which turns
      // "1.001" (1.000999...) into 1000 ms; round the written value instead
      // so every millisecond timestamp survives an export/import trip.
      auto rounded = RoundedSeconds(buf_.substr(parser->SeriesKey().size()));
      if (rounded) ts = rounded;
    }
    ImportSample s;
    std::string duplicate;
    for (const auto& l : parser->Labels(&duplicate)) s.labels.emplace_back(l.name, l.value);
    if (!duplicate.empty()) return Status::InvalidArgument("label name \"" + duplicate + "\" is not unique");
    s.t_ms = *ts;
    s.value = parser->Value();
    out->push_back(std::move(s));
    return Status::OK();
  }

 private:
  // The timestamp token of "<value> <timestamp>[ # exemplar]" in ms,
  // rounded to the nearest millisecond.
  static std::optional<int64_t> RoundedSeconds(std::string_view rest) {
    size_t v = rest.find_first_not_of(' ');
    if (v == std::string_view::npos) return std::nullopt;
    size_t sp = rest.find(' ', v);
    if (sp == std::string_view::npos) return std::nullopt;
    size_t t = rest.find_first_not_of(' ', sp);
    if (t == std::string_view::npos) return std::nullopt;
    size_t end = rest.find_first_of(" \n", t);
    GoFloat f = GoParseFloat(rest.substr(t, end == std::string_view::npos ? rest.size() - t : end - t));
    if (f.error != GoNumError::kNone || !std::isfinite(f.value)) return std::nullopt;
    return static_cast<int64_t>(std::llround(f.value * 1000));
  }

  const bool openmetrics_;
  std::string buf_;
};

class JsonLinesDecoder : public LineDecoder {
 public:
  Status Decode(std::string_view line, std::vector<ImportSample>* out) override {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return Status::OK();
    JsonValue doc;
    CAIRN_ASSIGN_OR_RETURN(doc, ParseJson(line));
    const JsonValue* metric = doc.Find("metric");
    const JsonValue* values = doc.Find("values");
    const JsonValue* stamps = doc.Find("timestamps");
    if (metric == nullptr || !metric->is_object()) return Status::InvalidArgument("missing \"metric\" object");
    if (values == nullptr || !values->is_array() || stamps == nullptr || !stamps->is_array()) {
      return Status::InvalidArgument("missing \"values\" or \"timestamps\" array");
    }
    if (values->items().size() != stamps->items().size()) {
      return Status::InvalidArgument("\"values\" and \"timestamps\" differ in length");
    }
    std::vector<std::pair<std::string, std::string>> labels;
    for (const auto& [k, v] : metric->members()) {
      if (!v.is_string()) return Status::InvalidArgument("label \"" + k + "\" is not a string");
      labels.emplace_back(k, v.str());
    }
    std::sort(labels.begin(), labels.end());
    std::vector<ImportSample> samples;
    for (size_t i = 0; i < values->items().size(); ++i) {
      const JsonValue& v = values->items()[i];
      const JsonValue& t = stamps->items()[i];
      if (!t.is_number()) return Status::InvalidArgument("timestamp " + std::to_string(i) + " is not a number");
      ImportSample s;
      s.labels = labels;
      s.t_ms = static_cast<int64_t>(t.number());
      if (v.is_number()) {
        s.value = v.number();
      } else if (v.is_null()) {
        s.value = std::nan("");  // VictoriaMetrics writes NaN as null
      } else if (v.is_string()) {
        GoFloat f = GoParseFloat(v.str());  // "Inf", "-Inf", "NaN"
        if (f.error == GoNumError::kSyntax) return Status::InvalidArgument("value \"" + v.str() + "\" is not a number");
        s.value = f.value;
      } else {
        return Status::InvalidArgument("value " + std::to_string(i) + " is not a number");
      }
      samples.push_back(std::move(s));
    }
    for (auto& s : samples) out->push_back(std::move(s));
    return Status::OK();
  }
};

struct CsvColumn {
  enum Kind { kMetric, kLabel, kTime } kind;
  std::string name;  // metric or label name; time: its unit
};

std::vector<std::string_view> SplitCsv(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      cells.push_back(line.substr(start));
      return cells;
    }
    cells.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

class CsvDecoder : public LineDecoder {
 public:
  explicit CsvDecoder(std::vector<std::pair<size_t, CsvColumn>> columns) : columns_(std::move(columns)) {}

  Status Decode(std::string_view line, std::vector<ImportSample>* out) override {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) return Status::OK();
    auto cells = SplitCsv(line);
    std::vector<std::pair<std::string, std::string>> labels;
    int64_t t_ms = 0;
    bool have_time = false;
    for (const auto& [index, col] : columns_) {
      if (index >= cells.size()) return Status::InvalidArgument("missing column " + std::to_string(index + 1));
      std::string_view cell = cells[index];
      if (col.kind == CsvColumn::kLabel) {
        labels.emplace_back(col.name, std::string(cell));
      } else if (col.kind == CsvColumn::kTime) {
        CAIRN_ASSIGN_OR_RETURN(t_ms, ParseTime(cell, col.name));
        have_time = true;
      }
    }
    if (!have_time) return Status::InvalidArgument("no time column");
    std::vector<ImportSample> samples;
    for (const auto& [index, col] : columns_) {
      if (col.kind != CsvColumn::kMetric) continue;
      std::string_view cell = cells[index];
      if (cell.empty()) continue;  // no sample of this metric on this line
      GoFloat f = GoParseFloat(cell);
      if (f.error == GoNumError::kSyntax) {
        return Status::InvalidArgument("column " + std::to_string(index + 1) + ": \"" + std::string(cell) +
                                       "\" is not a number");
      }
      ImportSample s;
      s.labels = labels;
      s.labels.emplace_back("__name__", col.name);
      SortLabels(&s);
      s.t_ms = t_ms;
      s.value = f.value;
      samples.push_back(std::move(s));
    }
    for (auto& s : samples) out->push_back(std::move(s));
    return Status::OK();
  }

 private:
  static Result<int64_t> ParseTime(std::string_view cell, const std::string& unit) {
    if (unit == "rfc3339") return ParseTimeArg(cell, 0);
    GoFloat f = GoParseFloat(cell);
    if (f.error != GoNumError::kNone || !std::isfinite(f.value)) {
      return Status::InvalidArgument("time \"" + std::string(cell) + "\" is not a number");
    }
    if (unit == "unix_s") return static_cast<int64_t>(std::llround(f.value * 1000));
    if (unit == "unix_ms") return static_cast<int64_t>(std::llround(f.value));
    return static_cast<int64_t>(std::llround(f.value / 1e6));  // unix_ns
  }

  std::vector<std::pair<size_t, CsvColumn>> columns_;
};

Result<std::vector<std::pair<size_t, CsvColumn>>> ParseCsvSpec(const std::string& spec) {
  std::vector<std::pair<size_t, CsvColumn>> columns;
  bool have_time = false, have_metric = false;
  for (std::string_view item : SplitCsv(spec)) {
    size_t c1 = item.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : item.find(':', c1 + 1);
    if (c2 == std::string_view::npos) {
      return Status::InvalidArgument("csv column \"" + std::string(item) + "\": want <column>:<metric|label|time>:<name>");
    }
    GoInt n = GoParseInt64(item.substr(0, c1));
    if (n.error != GoNumError::kNone || n.value < 1) {
      return Status::InvalidArgument("csv column \"" + std::string(item) + "\": column numbers start at 1");
    }
    std::string_view kind = item.substr(c1 + 1, c2 - c1 - 1);
    std::string name(item.substr(c2 + 1));
    CsvColumn col;
    if (kind == "metric") {
      col.kind = CsvColumn::kMetric;
      have_metric = true;
    } else if (kind == "label") {
      col.kind = CsvColumn::kLabel;
    } else if (kind == "time") {
      col.kind = CsvColumn::kTime;
      if (name != "unix_s" && name != "unix_ms" && name != "unix_ns" && name != "rfc3339") {
        return Status::InvalidArgument("csv time format \"" + name + "\": want unix_s, unix_ms, unix_ns or rfc3339");
      }
      if (have_time) return Status::InvalidArgument("csv spec has more than one time column");
      have_time = true;
    } else {
      return Status::InvalidArgument("csv column kind \"" + std::string(kind) + "\": want metric, label or time");
    }
    if (name.empty()) return Status::InvalidArgument("csv column \"" + std::string(item) + "\" has no name");
    col.name = std::move(name);
    columns.emplace_back(static_cast<size_t>(n.value - 1), std::move(col));
  }
  if (!have_time || !have_metric) return Status::InvalidArgument("csv spec needs a time column and a metric column");
  return columns;
}

}  // namespace

Result<std::unique_ptr<LineDecoder>> MakeLineDecoder(const std::string& format, const std::string& csv_spec) {
  if (format == "openmetrics") return std::unique_ptr<LineDecoder>(new TextDecoder(true));
  if (format == "prometheus") return std::unique_ptr<LineDecoder>(new TextDecoder(false));
  if (format == "jsonl") return std::unique_ptr<LineDecoder>(new JsonLinesDecoder());
  if (format == "csv") {
    if (csv_spec.empty()) return Status::InvalidArgument("--format csv needs --csv-columns");
    std::vector<std::pair<size_t, CsvColumn>> columns;
    CAIRN_ASSIGN_OR_RETURN(columns, ParseCsvSpec(csv_spec));
    return std::unique_ptr<LineDecoder>(new CsvDecoder(std::move(columns)));
  }
  return Status::InvalidArgument("unknown format \"" + format + "\": want openmetrics, prometheus, jsonl or csv");
}

}  // namespace cairn::cairnctl
