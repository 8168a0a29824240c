// The remote_read client's wiring: one RemoteQueryable per `remote_read`
// entry, merged behind every query (remote/merge_queryable.h).
#include <memory>
#include <vector>

#include "remote/remote_queryable.h"
#include "server/server.h"

namespace cairn::server {

int64_t Server::LocalStartTimeMs(int64_t margin_ms) const {
  // Upstream: the oldest block's start, or now when there is none, plus two
  // evaluation intervals of margin for everything to spin up.
  if (db_) {
    int64_t min_ms = 0, max_ms = 0;
    if (db_->TimeRange(&min_ms, &max_ms) && max_ms != 0) return min_ms + margin_ms;
  }
  return options_.clock->NowMs() + margin_ms;
}

Status Server::ApplyRemoteRead(const Config& cfg) {
  std::vector<std::shared_ptr<storage::Queryable>> remotes;
  const int64_t margin_ms = 2 * cfg.evaluation_interval_ms;
  for (const remote::RemoteReadConfig& rc : cfg.remote_read) {
    auto client = remote::ReadClient::Create(rc, &read_metrics_);
    if (!client.ok()) return client.status().WithContext("remote_read " + rc.name);
    remotes.push_back(std::make_shared<remote::RemoteQueryable>(std::move(client).value(), cfg.external_labels,
                                                                [this, margin_ms] { return LocalStartTimeMs(margin_ms); }));
  }
  merged_->SetRemotes(std::move(remotes));
  return Status::OK();
}

}  // namespace cairn::server
