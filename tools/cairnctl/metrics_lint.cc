#include "tools/cairnctl/metrics_lint.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "ingest/exposition/parser.h"

namespace cairn::cairnctl {

namespace {

using ingest::exposition::Entry;
using ingest::exposition::MetricType;

struct Family {
  MetricType type = MetricType::kUnknown;
  bool has_help = false;
  bool has_samples = false;
  // Label names of every sample, in order (a name once per sample).
  std::vector<std::string> label_names;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "_<word>_" inside or "_<word>" at the end of `name`.
bool HasWord(const std::string& name, const std::string& word) {
  return name.find("_" + word + "_") != std::string::npos || EndsWith(name, "_" + word);
}

bool IsCamelCase(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] >= 'a' && s[i] <= 'z' && s[i + 1] >= 'A' && s[i + 1] <= 'Z') return true;
  }
  return false;
}

// The unit word of a name and its base unit, e.g. "milliseconds" -> "seconds".
bool MetricUnit(const std::string& name, std::string* unit, std::string* base) {
  static const std::map<std::string, std::string> kUnits = {
      {"amperes", "amperes"}, {"bytes", "bytes"},     {"celsius", "celsius"}, {"grams", "grams"},
      {"joules", "joules"},   {"kelvin", "kelvin"},   {"meters", "meters"},   {"metres", "metres"},
      {"seconds", "seconds"}, {"volts", "volts"},     {"minutes", "seconds"}, {"hours", "seconds"},
      {"days", "seconds"},    {"weeks", "seconds"},   {"kelvins", "kelvin"},  {"fahrenheit", "celsius"},
      {"rankine", "celsius"}, {"inches", "meters"},   {"yards", "meters"},    {"miles", "meters"},
      {"bits", "bytes"},      {"calories", "joules"}, {"pounds", "grams"},    {"ounces", "grams"},
  };
  static const char* const kPrefixes[] = {"pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo",
                                          "kibi", "mega", "mibi",  "giga",  "gibi",  "tera", "tebi", "peta",  "pebi"};
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('_', start);
    if (end == std::string::npos) end = name.size();
    std::string word = name.substr(start, end - start);
    if (auto it = kUnits.find(word); it != kUnits.end()) {
      *unit = word;
      *base = it->second;
      return true;
    }
    for (const char* p : kPrefixes) {
      std::string_view prefix(p);
      if (word.size() > prefix.size() && word.compare(0, prefix.size(), prefix) == 0) {
        if (auto it = kUnits.find(word.substr(prefix.size())); it != kUnits.end()) {
          *unit = word;
          *base = it->second;
          return true;
        }
      }
    }
    start = end + 1;
  }
  return false;
}

void LintFamily(const std::string& name, const Family& f, std::vector<LintProblem>* out) {
  auto add = [&](std::string text) { out->push_back({name, std::move(text)}); };
  if (!f.has_help) add("no help text");

  std::string unit, base;
  if (MetricUnit(name, &unit, &base) && unit != base) add("use base unit \"" + base + "\" instead of \"" + unit + "\"");

  bool counter = f.type == MetricType::kCounter;
  bool untyped = f.type == MetricType::kUnknown;
  bool histogram = f.type == MetricType::kHistogram;
  bool summary = f.type == MetricType::kSummary;
  bool total = EndsWith(name, "_total");
  if (counter && !total) add("counter metrics should have \"_total\" suffix");
  else if (!untyped && !counter && total) add("non-counter metrics should not have \"_total\" suffix");

  if (!untyped) {
    if (!histogram && EndsWith(name, "_bucket")) add("non-histogram metrics should not have \"_bucket\" suffix");
    if (!histogram && !summary && EndsWith(name, "_count")) {
      add("non-histogram and non-summary metrics should not have \"_count\" suffix");
    }
    if (!histogram && !summary && EndsWith(name, "_sum")) {
      add("non-histogram and non-summary metrics should not have \"_sum\" suffix");
    }
    for (const auto& l : f.label_names) {
      if (!histogram && l == "le") add("non-histogram metrics should not have \"le\" label");
      if (!summary && l == "quantile") add("non-summary metrics should not have \"quantile\" label");
    }
  }

  std::string lower = Lower(name);
  for (const char* type : {"counter", "gauge", "summary", "histogram", "gaugehistogram"}) {
    if (HasWord(lower, type)) add(std::string("metric name should not include type '") + type + "'");
  }
  if (name.find(':') != std::string::npos) add("metric names should not contain ':'");
  if (IsCamelCase(name)) add("metric names should be written in 'snake_case' not 'camelCase'");
  for (const auto& l : f.label_names) {
    if (IsCamelCase(l)) add("label names should be written in 'snake_case' not 'camelCase'");
  }
  for (const char* abbr : {"s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d"}) {
    if (HasWord(lower, abbr)) add("metric names should not contain abbreviated units");
  }
}

}  // namespace

Result<std::vector<LintProblem>> LintExposition(std::string_view exposition) {
  auto parser = ingest::exposition::NewParser(ingest::exposition::Format::kPrometheusText, exposition);
  std::map<std::string, Family> families;
  while (true) {
    auto e = parser->Next();
    if (!e.ok()) return e.status();
    if (*e == Entry::kEnd) break;
    if (*e == Entry::kType) {
      families[std::string(parser->FamilyName())].type = parser->Type();
    } else if (*e == Entry::kHelp) {
      families[std::string(parser->FamilyName())].has_help = true;
    } else if (*e == Entry::kSeries) {
      std::string name(parser->RawMetricName());
      std::string family = name;
      // The suffix a family's type owns: le of buckets and quantile of
      // summaries are not labels of the family then.
      std::string owned_label;
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (!EndsWith(name, suffix)) continue;
        std::string stem = name.substr(0, name.size() - std::string_view(suffix).size());
        auto it = families.find(stem);
        if (it == families.end()) continue;
        bool histogram = it->second.type == MetricType::kHistogram;
        bool summary = it->second.type == MetricType::kSummary;
        if (histogram || (summary && std::string_view(suffix) != "_bucket")) {
          family = stem;
          if (histogram && std::string_view(suffix) == "_bucket") owned_label = "le";
        }
      }
      Family& f = families[family];
      if (family == name && f.type == MetricType::kSummary) owned_label = "quantile";
      f.has_samples = true;
      for (const auto& l : parser->Labels()) {
        if (l.name == "__name__" || l.name == owned_label) continue;
        f.label_names.push_back(l.name);
      }
    }
  }
  std::vector<LintProblem> problems;
  for (const auto& [name, f] : families) {
    if (f.has_samples) LintFamily(name, f, &problems);
  }
  std::stable_sort(problems.begin(), problems.end(), [](const LintProblem& a, const LintProblem& b) {
    return a.metric != b.metric ? a.metric < b.metric : a.text < b.text;
  });
  return problems;
}

}  // namespace cairn::cairnctl
