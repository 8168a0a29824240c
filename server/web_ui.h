// The web UI's routes: "/" redirects to the query page, the pages
// (/graph, /dashboards, /alerts, /rules, /targets, /tsdb-status, /config, /flags, /status)
// answer the embedded index.html, /assets/... the embedded bundle and the
// Grafana dashboards of deploy/grafana/dashboards/ (gzip'd when
// the client accepts it, ETag and If-None-Match). A binary built without the
// UI answers the pages with a note on how to build it.
// Thread-safety: the handlers only read immutable data.
#pragma once

#include <span>
#include <string>

#include "server/http/router.h"
#include "server/web_assets.h"

namespace cairn::server {

// `browser_prefix` is the path under which browsers reach Cairn ("" or
// "/cairn", from --web.external-url), written into the page's links.
void RegisterWebUi(http::Router& router, const std::string& browser_prefix,
                   std::span<const WebAsset> assets = EmbeddedWebAssets());

}  // namespace cairn::server
