// libFuzzer target for rules/template: arbitrary bytes as an alert template
// must never crash the lexer, parser or executor; a template that passes
// CheckTemplate must not fail Expand with a parse error, and one that fails
// it must fail Expand with the same message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/template/expander.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn;
  using namespace cairn::rules::tmpl;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Status checked = CheckTemplate("__alert_F", text);
  ExpandData d;
  d.labels = storage::Labels{{"__name__", "up"}, {"instance", "a.example:9100"}, {"job", "j"}};
  d.value = 1.5;
  d.external_labels = storage::Labels{{"cluster", "c"}};
  d.external_url = "http://x.example/p";
  QueryFn query = [](const std::string& q) -> Result<std::vector<QuerySample>> {
    if (q.empty()) return Status::Execution("empty query");
    return std::vector<QuerySample>{{storage::Labels{{"job", q.substr(0, 3)}}, static_cast<double>(q.size())},
                                    {storage::Labels{{"job", "z"}}, -1}};
  };
  auto r = Expand("__alert_F", text, d, query, 1000);
  bool parse_failed = !r.ok() && r.status().code() == StatusCode::kInvalidArgument;
  if (checked.ok() == parse_failed) __builtin_trap();
  if (parse_failed && r.status().message() != "error parsing template __alert_F: " + checked.message()) __builtin_trap();
  return 0;
}
