// Fuzzes service discovery's parsers on arbitrary bytes: target-group files
// in JSON and YAML (file_sd, http_sd bodies) and the discovery sections of a
// scrape_config. The first byte picks the parser. None may crash or trip a
// sanitizer; every parsed target must carry an __address__.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scrape/discovery/sd_configs.h"
#include "scrape/discovery/target_group.h"
#include "scrape/discovery/yaml_util.h"

namespace sd = cairn::scrape::discovery;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
    case 1: {
      const auto syntax = data[0] % 3 == 0 ? sd::GroupSyntax::kJson : sd::GroupSyntax::kYaml;
      auto groups = sd::ParseTargetGroupsText(text, syntax);
      if (groups.ok()) {
        for (const auto& g : *groups) {
          for (const auto& t : g.targets) {
            if (!t.Has(sd::kAddressLabel)) std::abort();
          }
        }
      }
      break;
    }
    case 2: {
      auto doc = sd::LoadYaml(text);
      if (doc.ok() && doc->IsMap()) (void)sd::ParseSdConfigs(*doc);
      break;
    }
  }
  return 0;
}
