// Fuzzes the server's text parsers on arbitrary bytes: HTTP API parameters
// (<time>, <duration>, limit, byte sizes, urlencoded forms), label-name
// unescaping, prometheus.yml, relabel rule lists (which when valid are also
// run over a fixed label set) and the path of --web.external-url. The first byte picks the parser. None may
// crash or trip a sanitizer; a parsed time must print as RFC3339 and parse
// back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/api/label_name.h"
#include "server/api/params.h"
#include "ingest/relabel.h"
#include "server/config.h"
#include "server/relabel_config_yaml.h"
#include "util/go_url.h"

namespace api = cairn::server::api;

namespace {

void FuzzRelabel(std::string_view yaml) {
  YAML::Node node;
  try {
    node = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception&) {
    return;
  }
  auto configs = cairn::server::ParseRelabelConfigs(node, "null rule");
  if (!configs.ok()) return;
  auto rules = cairn::ingest::MakeRelabelRules(std::move(configs).value(),
                                               cairn::storage::NameValidationScheme::kUtf8);
  if (!rules.ok()) return;
  const cairn::storage::Labels series{
      {"__address__", "10.0.0.1:9100"}, {"__name__", "up"}, {"job", "node"}, {"v", "line1\nline2 \xff é"}};
  (void)cairn::ingest::Process(series, *rules);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 9) {
    case 0: {
      auto t = api::ParseTime(text);
      // FormatRfc3339 covers years 0..9999; beyond that Go prints other forms.
      if (t.ok() && *t > -62135596800000 && *t < 253402300800000) {
        auto back = api::ParseTime(api::FormatRfc3339(*t));
        if (!back.ok() || *back != *t) std::abort();
      }
      break;
    }
    case 1: (void)api::ParseDuration(text); break;
    case 2: (void)api::ParseLimit(text); break;
    case 3: (void)api::ParseByteSize(text); break;
    case 4: {
      api::Form form;
      form.AddEncoded(text);
      (void)form.GetAll("match[]");
      (void)api::UrlDecode(text);
      break;
    }
    case 5: (void)api::UnescapeLabelName(text); break;
    case 6: (void)cairn::server::ParseConfig(text); break;
    case 7: FuzzRelabel(text); break;
    case 8: {
      // The route prefix and templates' pathPrefix read it: never a query or fragment.
      const std::string path = cairn::GoUrlPath(text);
      if (path.find_first_of("?#") != std::string::npos || path.size() > text.size()) std::abort();
      break;
    }
  }
  return 0;
}
