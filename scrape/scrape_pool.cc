#include "scrape/scrape_pool.h"

#include <chrono>
#include <set>

namespace cairn::scrape {

// Hashes of the targets a pool scrapes now, shared with its loops so that a
// stopped loop can tell whether its target came back before writing stale
// markers.
struct ScrapePool::Alive {
  std::mutex mu;
  std::set<uint64_t> hashes;
};

Result<std::unique_ptr<ScrapePool>> ScrapePool::Create(boost::asio::any_io_executor executor,
                                                       std::shared_ptr<const ScrapeConfig> config, LoopDeps deps) {
  auto client = http::Client::Create(config->http);
  if (!client.ok()) return client.status();
  return std::unique_ptr<ScrapePool>(new ScrapePool(std::move(executor), std::move(config), *client, deps));
}

ScrapePool::ScrapePool(boost::asio::any_io_executor executor, std::shared_ptr<const ScrapeConfig> config,
                       std::shared_ptr<const http::Client> client, LoopDeps deps)
    : name_(config->target.job_name),
      executor_(std::move(executor)),
      deps_(deps),
      alive_(std::make_shared<Alive>()),
      config_(std::move(config)),
      client_(std::move(client)) {}

ScrapePool::~ScrapePool() { Stop(); }

// A target's identity across a reload: its series labels and URL, not the
// __scrape_interval__/__scrape_timeout__ that are part of its hash, so a
// changed interval keeps the cache (series refs, staleness) of each target.
uint64_t ScrapePool::CarryKey(const Target& t) {
  return t.public_labels().Hash() ^ (std::hash<std::string>{}(t.url()) * 0x9E3779B97F4A7C15ull);
}

std::shared_ptr<ScrapeLoop> ScrapePool::NewLoop(std::shared_ptr<Target> target, std::shared_ptr<ScrapeCache> cache) {
  const uint64_t hash = target->hash();
  auto still_wanted = [alive = alive_, hash] {
    std::lock_guard lock(alive->mu);
    return alive->hashes.count(hash) > 0;
  };
  return std::make_shared<ScrapeLoop>(executor_, std::move(target), config_, client_, deps_, std::move(still_wanted),
                                      std::move(cache));
}

void ScrapePool::Sync(const std::vector<discovery::TargetGroup>& groups) {
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (stopped_) return;
  last_groups_ = groups;
  std::map<uint64_t, std::shared_ptr<Target>> wanted;
  std::vector<TargetView> dropped;
  size_t dropped_count = 0;
  std::vector<std::string> errors;
  const ScrapeConfig& cfg = *config_;
  for (const auto& g : groups) {
    for (size_t i = 0; i < g.targets.size(); ++i) {
      auto r = PopulateTargetLabels(g.targets[i], g.labels, cfg.target, cfg.relabel);
      if (!r.ok()) {
        errors.push_back("instance " + std::to_string(i) + " in group " + g.source + ": " + r.status().message());
        continue;
      }
      if (r->labels.empty()) {
        if (r->discovered.empty()) continue;
        ++dropped_count;
        if (cfg.keep_dropped_targets == 0 || dropped.size() < cfg.keep_dropped_targets) {
          TargetView v;
          v.pool = name_;
          v.discovered = std::move(r->discovered);
          dropped.push_back(std::move(v));
        }
        continue;
      }
      auto t = std::make_shared<Target>(std::move(r->labels), std::move(r->discovered), cfg.target.params);
      wanted.emplace(t->hash(), std::move(t));
    }
  }
  dropped_ = std::move(dropped);
  dropped_count_ = dropped_count;
  sync_errors_ = std::move(errors);

  for (auto it = loops_.begin(); it != loops_.end();) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    it->second->Stop(ScrapeLoop::StopMode::kEndOfRun);
    it = loops_.erase(it);
  }
  {
    std::lock_guard alive_lock(alive_->mu);
    alive_->hashes.clear();
    for (const auto& [hash, t] : wanted) alive_->hashes.insert(hash);
  }
  for (auto& [hash, t] : wanted) {
    if (loops_.count(hash)) continue;
    std::shared_ptr<ScrapeCache> cache;
    if (auto c = carried_caches_.find(CarryKey(*t)); c != carried_caches_.end()) cache = c->second;
    auto loop = NewLoop(std::move(t), std::move(cache));
    loop->Start();
    loops_.emplace(hash, std::move(loop));
  }
  carried_caches_.clear();

  limit_error_.clear();
  if (cfg.target_limit > 0 && loops_.size() > cfg.target_limit) {
    limit_error_ = "target_limit exceeded (number of targets: " + std::to_string(loops_.size()) +
                   ", limit: " + std::to_string(cfg.target_limit) + ")";
    if (deps_.metrics) deps_.metrics->exceeded_target_limit.fetch_add(1, std::memory_order_relaxed);
  }
  for (auto& [hash, loop] : loops_) {
    loop->SetForcedError(limit_error_.empty() ? Status::OK() : Status::ResourceExhausted(limit_error_));
  }
  if (deps_.metrics) {
    deps_.metrics->ObserveSync(name_, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                               deps_.clock->NowMs());
  }
}

Status ScrapePool::Reload(std::shared_ptr<const ScrapeConfig> config) {
  if (deps_.metrics) deps_.metrics->pool_reloads.fetch_add(1, std::memory_order_relaxed);
  auto client = http::Client::Create(config->http);
  if (!client.ok()) {
    if (deps_.metrics) deps_.metrics->pool_reloads_failed.fetch_add(1, std::memory_order_relaxed);
    return client.status();
  }
  std::vector<discovery::TargetGroup> groups;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status::OK();
    config_ = std::move(config);
    client_ = *client;
    // Loops restart with the new config quietly; each target's cache goes
    // to its new loop, so series it stops exposing still go stale.
    for (auto& [hash, loop] : loops_) {
      loop->Stop(ScrapeLoop::StopMode::kQuiet);
      carried_caches_[CarryKey(*loop->target())] = loop->cache();
    }
    loops_.clear();
    groups = last_groups_;
  }
  Sync(groups);
  return Status::OK();
}

void ScrapePool::Stop() {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  stopped_ = true;
  for (auto& [hash, loop] : loops_) loop->Stop(ScrapeLoop::StopMode::kQuiet);
  loops_.clear();
  std::lock_guard alive_lock(alive_->mu);
  alive_->hashes.clear();
}

std::shared_ptr<const ScrapeConfig> ScrapePool::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

std::vector<TargetView> ScrapePool::ActiveTargets() const {
  std::lock_guard lock(mu_);
  std::vector<TargetView> out;
  out.reserve(loops_.size());
  for (const auto& [hash, loop] : loops_) {
    const Target& t = *loop->target();
    TargetView v;
    v.pool = name_;
    v.discovered = t.discovered();
    v.labels = t.public_labels();
    v.url = t.url();
    v.interval_ms = t.interval_ms();
    v.timeout_ms = t.timeout_ms();
    v.health = t.health();
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<TargetView> ScrapePool::DroppedTargets() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

size_t ScrapePool::DroppedCount() const {
  std::lock_guard lock(mu_);
  return dropped_count_;
}

std::vector<ScrapePool::TargetMetadata> ScrapePool::Metadata() const {
  std::vector<std::shared_ptr<ScrapeLoop>> loops;
  {
    std::lock_guard lock(mu_);
    for (const auto& [hash, loop] : loops_) loops.push_back(loop);
  }
  std::vector<TargetMetadata> out;
  for (const auto& loop : loops) {
    for (auto& [family, md] : loop->Metadata()) out.push_back({loop->target()->public_labels(), family, md});
  }
  return out;
}

ScrapePool::MetadataCacheSize ScrapePool::MetadataCache() const {
  MetadataCacheSize out;
  for (const auto& e : Metadata()) {
    ++out.entries;
    // As upstream's metaEntry.size(): the family name is not counted.
    out.bytes += storage::MetricTypeName(e.md.type).size() + e.md.help.size() + e.md.unit.size();
  }
  return out;
}

std::vector<std::string> ScrapePool::sync_errors() const {
  std::lock_guard lock(mu_);
  return sync_errors_;
}

}  // namespace cairn::scrape
