// The web UI's files compiled into the binary (web/embed.mjs writes the
// definition from the esbuild output; web_assets_none.cc is the empty one
// for builds without Node/npm or with -DCAIRN_WEB=OFF).
// Thread-safety: immutable data.
#pragma once

#include <span>
#include <string_view>

namespace cairn::server {

struct WebAsset {
  std::string_view path;          // "/index.html", "/assets/app.js"
  std::string_view content_type;
  std::string_view raw;
  std::string_view gzip;          // the same bytes gzip'd, served when the client accepts gzip
  std::string_view etag;          // quoted, a hash of `raw`
};

std::span<const WebAsset> EmbeddedWebAssets();

}  // namespace cairn::server
