// Prometheus' alert template expansion: Go's text/template language with
// Prometheus' template functions (prometheus/prometheus template/template.go),
// as rules/alerting.go uses it for alert labels and annotations.
//
// Expand() prepends Prometheus' preamble
//   {{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}
//   {{$externalURL := .ExternalURL}}{{$value := .Value}}
// (joined on one line, so error columns on line 1 count the preamble, as
// upstream's do), parses the text under the template name (alerting.go uses
// "__alert_" + alert name) with missingkey=zero, and executes it.
//
// Behaviour follows Prometheus 3.x; where 2.42 (Debian's promtool) differs it
// is noted in docs/rules-templates.md.
// Thread-safety: pure functions; `query` is called on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/labels.h"
#include "util/status.h"

namespace cairn::rules::tmpl {

// Prometheus' template `sample`: one element of an instant vector.
struct QuerySample {
  storage::Labels labels;
  double value = 0;
};

// Runs a PromQL instant query at the evaluation time the caller chose. An
// error fails the expansion with the error's message.
using QueryFn = std::function<Result<std::vector<QuerySample>>(const std::string& query)>;

// The data an alert template sees (template.AlertTemplateData).
struct ExpandData {
  storage::Labels labels;           // $labels / .Labels: the alert sample's labels (with __name__ if it has one)
  double value = 0;                 // $value / .Value: a float64, printed Go-style (1e+06)
  storage::Labels external_labels;  // $externalLabels / .ExternalLabels
  std::string external_url;         // $externalURL / .ExternalURL, and externalURL/pathPrefix
};

struct TemplateSet;

// A label or annotation template parsed once, with the preamble, under `name`,
// then expanded for every alert of every evaluation: the text of a loaded rule
// never changes, and parsing it cost about as much as executing it. Upstream
// parses on every expansion; the output and error messages are the same.
// Thread-safety: Expand() is const and may run on several threads at once.
class ParsedTemplate {
 public:
  ParsedTemplate(std::string_view name, std::string_view text);
  // As the free Expand() below, with this template's name and text.
  Result<std::string> Expand(const ExpandData& data, const QueryFn& query, int64_t eval_time_ms) const;

 private:
  std::string name_;
  std::shared_ptr<const TemplateSet> set_;  // null when the text did not parse
  Status parse_error_;                      // the "error parsing template" status then
};

// Expands `text` under template `name` with the preamble prepended.
// `query` may be empty: then the `query` function fails with an error.
// `eval_time_ms` is the evaluation time (the `now` function).
// On error the Status (kInvalidArgument for a parse error, kExecution for an
// execution error) carries Prometheus' message:
//   "error parsing template NAME: template: NAME:1:40: ..." or
//   "error executing template NAME: template: NAME:1:40: executing \"NAME\" at <...>: ..."
// alerting.go then renders "<error expanding template: MESSAGE>" itself.
Result<std::string> Expand(std::string_view name, std::string_view text, const ExpandData& data,
                           const QueryFn& query, int64_t eval_time_ms);

// Parse-only check, as rulefmt validates an alerting rule's label and
// annotation templates when a rule file is loaded (testTemplateParsing): the
// same preamble is prepended and `name` is "__alert_" + alert name. The message
// on failure is text/template's, without a prefix
// ("template: __alert_X:1:123: function \"nope\" not defined"); rulefmt adds
// `annotation "summary": ` in front.
Status CheckTemplate(std::string_view name, std::string_view text);

}  // namespace cairn::rules::tmpl
