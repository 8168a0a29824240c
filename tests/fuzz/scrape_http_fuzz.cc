// Fuzzes what the scrape HTTP client reads from outside: URLs and redirect
// Locations, response bodies (gzip or not, under a size limit) and the
// http_config section of prometheus.yml. The first byte picks the parser.
// None may crash or trip a sanitizer; a parsed URL must print and parse back
// to itself, and a decoded body never exceeds its limit.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scrape/http/body_decoder.h"
#include "scrape/http/http_config.h"
#include "scrape/http/url.h"

namespace h = cairn::scrape::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto u = h::ParseUrl(text);
      if (u.ok() && u->userinfo.empty()) {
        auto back = h::ParseUrl(u->ToString());
        if (!back.ok() || back->ToString() != u->ToString()) std::abort();
      }
      break;
    }
    case 1: {
      auto base = h::ParseUrl("http://h:1/a/b?c");
      (void)h::ResolveLocation(*base, text);
      break;
    }
    case 2: {
      // Body pieces of up to 64 bytes, gzip and identity, limit 4 KiB.
      for (bool gzip : {true, false}) {
        std::string out;
        h::BodyDecoder d(gzip, 4096, &out);
        for (size_t i = 0; i < text.size(); i += 64) {
          if (!d.Write(text.substr(i, 64)).ok()) break;
        }
        (void)d.Finish();
        if (out.size() > 4096) std::abort();
      }
      break;
    }
    case 3: {
      h::HttpClientConfig cfg;
      try {
        (void)h::ParseHttpClientConfig(YAML::Load(std::string(text)), "/etc", &cfg);
      } catch (const YAML::Exception&) {
        // Not YAML at all: the config loader reports that before us.
      }
      break;
    }
  }
  return 0;
}
