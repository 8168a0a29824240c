#include "rules/template/expander.h"

#include "rules/template/builtins.h"
#include "rules/template/exec.h"
#include "rules/template/parser.h"
#include "rules/template/prom_functions.h"

namespace cairn::rules::tmpl {
namespace {

// rules/alerting.go's convenience variables, joined without separators so a
// user's template starts on line 1 after them.
constexpr std::string_view kPreamble =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}"
    "{{$value := .Value}}";

std::shared_ptr<const StringMap> ToMap(const storage::Labels& labels) {
  auto m = std::make_shared<StringMap>();
  for (const auto& l : labels) m->emplace_hint(m->end(), l.name, l.value);
  return m;
}

Status Parse(std::string_view name, std::string_view text, TemplateSet* set) {
  std::string full(kPreamble);
  full += text;
  return ParseTemplate(name, full, IsTemplateFunction, set);
}

}  // namespace

ParsedTemplate::ParsedTemplate(std::string_view name, std::string_view text) : name_(name) {
  auto set = std::make_shared<TemplateSet>();
  Status parsed = Parse(name, text, set.get());
  if (parsed.ok()) {
    set_ = std::move(set);
  } else {
    parse_error_ = Status::InvalidArgument("error parsing template " + name_ + ": " + parsed.message());
  }
}

Result<std::string> ParsedTemplate::Expand(const ExpandData& data, const QueryFn& query, int64_t eval_time_ms) const {
  if (set_ == nullptr) return parse_error_;
  auto alert = std::make_shared<AlertData>();
  alert->labels = ToMap(data.labels);
  alert->external_labels = ToMap(data.external_labels);
  alert->external_url = data.external_url;
  alert->value = data.value;
  Value dot;
  dot.kind = Kind::kAlertData;
  dot.alert = alert;
  FuncMap bound = PrometheusBoundFunctions(&query, eval_time_ms, data.external_url);
  auto out = ExecuteTemplate(*set_, name_, dot, {&bound, &PrometheusStaticFunctions(), &Builtins()});
  if (!out.ok()) {
    return Status::Execution("error executing template " + name_ + ": " + out.status().message());
  }
  return std::move(out).value();
}

Result<std::string> Expand(std::string_view name, std::string_view text, const ExpandData& data,
                           const QueryFn& query, int64_t eval_time_ms) {
  return ParsedTemplate(name, text).Expand(data, query, eval_time_ms);
}

Status CheckTemplate(std::string_view name, std::string_view text) {
  TemplateSet set;
  return Parse(name, text, &set);
}

}  // namespace cairn::rules::tmpl
