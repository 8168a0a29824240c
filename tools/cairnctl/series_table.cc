#include "tools/cairnctl/series_table.h"

#include <set>

#include "util/go_strconv.h"
#include "util/json_writer.h"

namespace cairn::cairnctl {

namespace {

using LabelMap = std::map<std::string, std::string>;

// The label-name columns of a CSV: __name__ first when present, then sorted.
std::vector<std::string> LabelColumns(const std::vector<LabelMap>& sets) {
  std::set<std::string> names;
  for (const auto& s : sets) {
    for (const auto& [k, v] : s) names.insert(k);
  }
  std::vector<std::string> cols;
  if (names.erase("__name__") > 0) cols.push_back("__name__");
  cols.insert(cols.end(), names.begin(), names.end());
  return cols;
}

std::vector<std::string> LabelCells(const LabelMap& labels, const std::vector<std::string>& cols) {
  std::vector<std::string> cells;
  for (const auto& c : cols) {
    auto it = labels.find(c);
    cells.push_back(it == labels.end() ? "" : it->second);
  }
  return cells;
}

// A [ts, "value"] pair; a histogram is shown as its JSON.
void SamplePair(const JsonValue& pair, std::string* value, std::string* ts) {
  if (!pair.is_array() || pair.items().size() != 2) return;
  *ts = pair.items()[0].str();
  const JsonValue& v = pair.items()[1];
  *value = v.is_string() ? FormatSampleValue(v.str()) : v.Serialize();
}

struct SampleRow {
  const LabelMap* labels;
  std::string value;
  std::string ts;
};

}  // namespace

std::string FormatSampleValue(const std::string& api_value) {
  GoFloat f = GoParseFloat(api_value);
  if (f.error == GoNumError::kSyntax) return api_value;
  return FormatFloat(f.value);
}

Table QueryResultTable(const JsonValue& data, OutputFormat format) {
  Table t;
  t.json = data.Serialize();
  std::string type = data.GetString("resultType");
  const JsonValue* result = data.Find("result");
  if (result == nullptr) return t;
  if (type == "scalar" || type == "string") {
    t.columns = {"value", "timestamp"};
    std::string value, ts;
    SamplePair(*result, &value, &ts);
    t.rows.push_back({value, ts});
    return t;
  }
  std::vector<LabelMap> sets;
  sets.reserve(result->items().size());
  for (const auto& s : result->items()) {
    const JsonValue* metric = s.Find("metric");
    sets.push_back(metric != nullptr ? StringMap(*metric) : LabelMap{});
  }
  std::vector<SampleRow> rows;
  for (size_t i = 0; i < result->items().size(); ++i) {
    const JsonValue& s = result->items()[i];
    auto add = [&](const JsonValue& pair) {
      SampleRow r{&sets[i], "", ""};
      SamplePair(pair, &r.value, &r.ts);
      rows.push_back(std::move(r));
    };
    if (const JsonValue* v = s.Find("value")) add(*v);
    if (const JsonValue* v = s.Find("histogram")) add(*v);
    if (const JsonValue* vs = s.Find("values")) {
      for (const auto& p : vs->items()) add(p);
    }
    if (const JsonValue* hs = s.Find("histograms")) {
      for (const auto& p : hs->items()) add(p);
    }
  }
  if (format == OutputFormat::kCsv) {
    auto cols = LabelColumns(sets);
    t.columns = cols;
    t.columns.push_back("value");
    t.columns.push_back("timestamp");
    for (const auto& r : rows) {
      auto cells = LabelCells(*r.labels, cols);
      cells.push_back(r.value);
      cells.push_back(r.ts);
      t.rows.push_back(std::move(cells));
    }
    return t;
  }
  t.columns = {"series", "value", "timestamp"};
  for (const auto& r : rows) t.rows.push_back({FormatSeries(*r.labels), r.value, r.ts});
  return t;
}

Table SeriesListTable(const JsonValue& data, OutputFormat format) {
  Table t;
  t.json = data.Serialize();
  std::vector<LabelMap> sets;
  for (const auto& s : data.items()) sets.push_back(StringMap(s));
  if (format == OutputFormat::kCsv) {
    t.columns = LabelColumns(sets);
    for (const auto& s : sets) t.rows.push_back(LabelCells(s, t.columns));
    return t;
  }
  t.columns = {"series"};
  for (const auto& s : sets) t.rows.push_back({FormatSeries(s)});
  return t;
}

}  // namespace cairn::cairnctl
