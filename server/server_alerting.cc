// The notifier's HTTP face: /api/v1/alertmanagers in Prometheus' shape
// (COMPAT.md §1.5): the URLs alerts are posted to, and those relabeling
// dropped.
#include "server/api/api_response.h"
#include "server/server.h"

namespace cairn::server {

void Server::RegisterAlertingRoutes() {
  router_.Add("/api/v1/alertmanagers", {"GET"}, [this](const http::HttpRequest&) {
    if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    const std::vector<std::string> active = notifier_->ActiveAlertmanagers();
    const std::vector<std::string> dropped = notifier_->DroppedAlertmanagers();
    return api::ApiSuccess([&](JsonWriter& w) {
      w.BeginObject();
      for (const auto& [key, urls] : {std::pair{"activeAlertmanagers", &active}, {"droppedAlertmanagers", &dropped}}) {
        w.Key(key);
        w.BeginArray();
        for (const auto& url : *urls) {
          w.BeginObject();
          w.Key("url");
          w.String(url);
          w.EndObject();
        }
        w.EndArray();
      }
      w.EndObject();
    });
  });
}

}  // namespace cairn::server
