// Label rewriting: label_replace (RE2, fully anchored, Go-style $1/${name}
// expansion) and label_join. Both keep __name__; two outputs with the same
// labels at one step are an error.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "promql/functions/registry.h"
#include "promql/value_format.h"

namespace cairn::promql::functions {

namespace {

using eval::StepValue;

// Go's regexp.Expand of `tmpl` with the submatches of one match.
std::string Expand(const std::string& tmpl, const re2::RE2& re, const std::vector<re2::StringPiece>& groups) {
  std::string out;
  const auto& named = re.NamedCapturingGroups();
  for (size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c != '$' || i + 1 >= tmpl.size()) {
      out += c;
      continue;
    }
    if (tmpl[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    size_t j = i + 1;
    if (tmpl[j] == '{') {
      size_t close = tmpl.find('}', j);
      if (close == std::string::npos) {
        out += c;
        continue;
      }
      name = tmpl.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      while (j < tmpl.size() && (std::isalnum(static_cast<unsigned char>(tmpl[j])) || tmpl[j] == '_')) ++j;
      name = tmpl.substr(i + 1, j - i - 1);
    }
    if (name.empty()) {
      out += c;
      continue;
    }
    i = j - 1;
    bool numeric = std::all_of(name.begin(), name.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
    if (numeric) {
      size_t idx = std::stoul(name.size() > 9 ? std::string("999999999") : name);
      if (idx < groups.size() && groups[idx].data() != nullptr) out.append(groups[idx].data(), groups[idx].size());
    } else {
      auto it = named.find(name);
      if (it != named.end() && static_cast<size_t>(it->second) < groups.size() && groups[it->second].data() != nullptr) {
        out.append(groups[it->second].data(), groups[it->second].size());
      }
    }
  }
  return out;
}

bool ValidLabelName(const std::string& name) { return !name.empty() && storage::IsValidUtf8(name); }

// Merges series that ended up with the same labels; two of them holding a
// point at the same step is an error, as in Prometheus.
StepValue Rebuild(Matrix m, FuncContext& ctx) {
  std::unordered_map<storage::Labels, size_t, storage::LabelsHash> index;
  Matrix out;
  bool merged = false;
  for (auto& s : m) {
    auto [it, inserted] = index.try_emplace(s.metric, out.size());
    if (inserted) {
      out.push_back(std::move(s));
      continue;
    }
    merged = true;
    Series& dst = out[it->second];
    dst.drop_name = dst.drop_name || s.drop_name;
    dst.floats.insert(dst.floats.end(), s.floats.begin(), s.floats.end());
    std::sort(dst.floats.begin(), dst.floats.end(), [](const FPoint& a, const FPoint& b) { return a.t_ms < b.t_ms; });
  }
  if (merged) {
    for (const auto& s : out) {
      for (size_t k = 1; k < s.floats.size(); ++k) {
        if (s.floats[k].t_ms == s.floats[k - 1].t_ms) {
          ctx.ev.FailExec("vector cannot contain metrics with the same labelset");
        }
      }
    }
  }
  StepValue v;
  v.type = ValueType::kVector;
  v.series = std::move(out);
  return v;
}

StepValue LabelReplace(std::vector<StepValue>& args, FuncContext& ctx) {
  const std::string& dst = args[1].str;
  const std::string& repl = args[2].str;
  const std::string& src = args[3].str;
  const std::string& pattern = args[4].str;
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  re2::RE2 re("^(?s:" + pattern + ")$", opts);
  if (!re.ok()) ctx.ev.FailExec("invalid regular expression in label_replace(): " + pattern);
  if (!ValidLabelName(dst)) ctx.ev.FailExec("invalid destination label name in label_replace(): " + dst);
  Matrix m = std::move(args[0].series);
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  for (auto& s : m) {
    std::string value(s.metric.Get(src));
    if (!re.Match(value, 0, value.size(), re2::RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size())))
      continue;
    s.metric = s.metric.With(dst, Expand(repl, re, groups));
    if (dst == storage::kMetricName) s.drop_name = false;
  }
  return Rebuild(std::move(m), ctx);
}

StepValue LabelJoin(std::vector<StepValue>& args, FuncContext& ctx) {
  const std::string& dst = args[1].str;
  const std::string& sep = args[2].str;
  if (!ValidLabelName(dst)) ctx.ev.FailExec("invalid destination label name in label_join(): " + dst);
  for (size_t i = 3; i < args.size(); ++i) {
    if (!ValidLabelName(args[i].str)) ctx.ev.FailExec("invalid source label name in label_join(): " + args[i].str);
  }
  Matrix m = std::move(args[0].series);
  for (auto& s : m) {
    std::string joined;
    for (size_t i = 3; i < args.size(); ++i) {
      if (i > 3) joined += sep;
      joined += s.metric.Get(args[i].str);
    }
    s.metric = s.metric.With(dst, joined);
    if (dst == storage::kMetricName) s.drop_name = false;
  }
  return Rebuild(std::move(m), ctx);
}

}  // namespace

VectorTable LabelFunctions() {
  return {
      {"label_replace", LabelReplace},
      {"label_join", LabelJoin},
  };
}

}  // namespace cairn::promql::functions
