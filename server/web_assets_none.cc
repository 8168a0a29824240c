// The build had no UI (node/npm missing or -DCAIRN_WEB=OFF): no files.
#include "server/web_assets.h"

namespace cairn::server {

std::span<const WebAsset> EmbeddedWebAssets() { return {}; }

}  // namespace cairn::server
