#include "scrape/manager.h"

#include <algorithm>

namespace cairn::scrape {

Manager::Manager(storage::Appendable& storage, ingest::MetadataSink* metadata, const Clock& clock,
                 ManagerOptions options)
    : storage_(storage),
      metadata_(metadata),
      clock_(clock),
      options_(std::move(options)),
      work_(boost::asio::make_work_guard(ioc_)) {
  for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { ioc_.run(); });
  discovery_ = std::make_unique<discovery::Manager>(
      [this](const discovery::TargetGroupsByJob& jobs) { SyncGroups(jobs); }, options_.discovery);
}

Manager::~Manager() { Stop(); }

Status Manager::ApplyConfig(const std::vector<std::shared_ptr<const ScrapeConfig>>& jobs) {
  LoopDeps deps;
  deps.storage = &storage_;
  deps.metadata = metadata_;
  deps.clock = &clock_;
  deps.extra_metrics = options_.extra_metrics;
  deps.series_limit = options_.series_limit;
  deps.offset_seed = options_.offset_seed;
  deps.metrics = &metrics_;

  std::map<std::string, discovery::SdConfigs> sd;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status::OK();
    // Build what is new first, so that a failure changes nothing.
    std::map<std::string, std::unique_ptr<ScrapePool>> created;
    for (const auto& job : jobs) {
      const std::string& name = job->target.job_name;
      if (pools_.count(name)) continue;
      metrics_.pools.fetch_add(1, std::memory_order_relaxed);
      auto pool = ScrapePool::Create(ioc_.get_executor(), job, deps);
      if (!pool.ok()) {
        metrics_.pools_failed.fetch_add(1, std::memory_order_relaxed);
        return pool.status().WithContext("scrape job " + name);
      }
      created.emplace(name, std::move(*pool));
    }
    for (const auto& job : jobs) {
      const std::string& name = job->target.job_name;
      sd.emplace(name, job->discovery);
      auto it = pools_.find(name);
      if (it == pools_.end() || it->second->config()->fingerprint == job->fingerprint) continue;
      CAIRN_RETURN_IF_ERROR(it->second->Reload(job).WithContext("scrape job " + name));
    }
    for (auto it = pools_.begin(); it != pools_.end();) {
      if (sd.count(it->first)) {
        ++it;
        continue;
      }
      it->second->Stop();
      it = pools_.erase(it);
    }
    for (auto& [name, pool] : created) pools_.emplace(name, std::move(pool));
  }
  discovery_->ApplyConfig(sd);
  return Status::OK();
}

void Manager::SyncGroups(const discovery::TargetGroupsByJob& jobs) {
  std::lock_guard lock(mu_);
  for (const auto& [name, groups] : jobs) {
    auto it = pools_.find(name);
    if (it != pools_.end()) it->second->Sync(groups);
  }
}

void Manager::Stop() {
  std::unique_ptr<discovery::Manager> sd;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    sd = std::move(discovery_);
  }
  sd.reset();  // no sync runs after this
  {
    std::lock_guard lock(mu_);
    for (auto& [name, pool] : pools_) pool->Stop();
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  std::lock_guard lock(mu_);
  pools_.clear();
}

std::vector<std::string> Manager::PoolNames() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, pool] : pools_) out.push_back(name);
  return out;
}

std::vector<TargetView> Manager::ActiveTargets() const {
  std::lock_guard lock(mu_);
  std::vector<TargetView> out;
  for (const auto& [name, pool] : pools_) {
    auto v = pool->ActiveTargets();
    out.insert(out.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
  }
  return out;
}

std::vector<TargetView> Manager::DroppedTargets() const {
  std::lock_guard lock(mu_);
  std::vector<TargetView> out;
  for (const auto& [name, pool] : pools_) {
    auto v = pool->DroppedTargets();
    out.insert(out.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
  }
  return out;
}

std::map<std::string, size_t> Manager::DroppedTargetCounts() const {
  std::lock_guard lock(mu_);
  std::map<std::string, size_t> out;
  for (const auto& [name, pool] : pools_) out[name] = pool->DroppedCount();
  return out;
}

std::vector<ScrapePool::TargetMetadata> Manager::TargetsMetadata() const {
  std::lock_guard lock(mu_);
  std::vector<ScrapePool::TargetMetadata> out;
  for (const auto& [name, pool] : pools_) {
    auto v = pool->Metadata();
    out.insert(out.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
  }
  return out;
}

std::map<std::string, ScrapePool::MetadataCacheSize> Manager::MetadataCacheSizes() const {
  std::lock_guard lock(mu_);
  std::map<std::string, ScrapePool::MetadataCacheSize> out;
  for (const auto& [name, pool] : pools_) out[name] = pool->MetadataCache();
  return out;
}

discovery::ManagerFigures Manager::DiscoveryFigures() const {
  std::lock_guard lock(mu_);
  return discovery_ ? discovery_->Figures() : discovery::ManagerFigures{};
}

}  // namespace cairn::scrape
