#include "scrape/discovery/manager.h"

#include <chrono>
#include <cstdio>

namespace cairn::scrape::discovery {

class Manager::ProviderSink final : public DiscoverySink {
 public:
  ProviderSink(Manager* manager, uint64_t id) : manager_(manager), id_(id) {}
  void Update(std::vector<TargetGroup> groups) override { manager_->Update(id_, std::move(groups)); }
  void RefreshFailed(const Status& status) override { manager_->RefreshFailed(id_, status); }
  void Refreshed(std::string_view mechanism, double seconds, bool failed) override {
    manager_->Refreshed(id_, mechanism, seconds, failed);
  }

 private:
  Manager* const manager_;
  const uint64_t id_;
};

struct Manager::Provider {
  std::string job;
  std::unique_ptr<Discoverer> discoverer;
  std::unique_ptr<ProviderSink> sink;
  std::map<std::string, TargetGroup> groups;  // by source; guarded by Manager::mu_
  std::jthread thread;                        // runs discoverer->Run
};

Manager::Manager(SyncFn on_sync, ManagerOptions options)
    : on_sync_(std::move(on_sync)),
      own_ticker_(options.ticker ? nullptr : std::make_unique<IntervalTicker>(options.update_interval_ms)),
      ticker_(options.ticker ? options.ticker : own_ticker_.get()),
      discoverer_options_(std::move(options.discoverer)),
      sender_([this](std::stop_token stop) { SendLoop(stop); }) {}

Manager::~Manager() {
  sender_.request_stop();
  if (sender_.joinable()) sender_.join();
  std::vector<std::unique_ptr<Provider>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, p] : providers_) all.push_back(std::move(p));
    providers_.clear();
  }
  StopProviders(std::move(all));
}

void Manager::StopProviders(std::vector<std::unique_ptr<Provider>> providers) {
  for (auto& p : providers) p->thread.request_stop();
  for (auto& p : providers) {
    if (p->thread.joinable()) p->thread.join();
  }
}

void Manager::StartLocked(const std::string& job, std::unique_ptr<Discoverer> discoverer) {
  const uint64_t id = next_provider_id_++;
  auto p = std::make_unique<Provider>();
  p->job = job;
  p->discoverer = std::move(discoverer);
  p->sink = std::make_unique<ProviderSink>(this, id);
  Provider* raw = p.get();
  providers_.emplace(id, std::move(p));
  // The thread only touches the Provider through the discoverer and sink,
  // both alive until it is joined.
  raw->thread = std::jthread([raw](std::stop_token stop) { raw->discoverer->Run(stop, *raw->sink); });
}

void Manager::ApplyConfig(const std::map<std::string, SdConfigs>& jobs) {
  std::vector<std::unique_ptr<Provider>> stale;
  {
    std::lock_guard lock(mu_);
    for (auto it = providers_.begin(); it != providers_.end();) {
      const auto cfg = jobs.find(it->second->job);
      const auto old = configs_.find(it->second->job);
      const bool unchanged = cfg != jobs.end() && old != configs_.end() && cfg->second == old->second;
      if (unchanged) {
        ++it;
      } else {
        stale.push_back(std::move(it->second));
        it = providers_.erase(it);
      }
    }
    for (const auto& [job, cfg] : jobs) {
      const auto old = configs_.find(job);
      if (old != configs_.end() && old->second == cfg) continue;
      for (auto& d : NewDiscoverers(cfg, discoverer_options_)) StartLocked(job, std::move(d));
    }
    configs_ = jobs;
    triggered_ = true;
  }
  // Outside the lock: a provider may be inside Update, waiting for it. Its
  // late updates are dropped because its id is no longer registered.
  StopProviders(std::move(stale));
}

void Manager::StartProvider(const std::string& job, std::unique_ptr<Discoverer> discoverer) {
  std::lock_guard lock(mu_);
  StartLocked(job, std::move(discoverer));
}

void Manager::Update(uint64_t provider_id, std::vector<TargetGroup> groups) {
  std::lock_guard lock(mu_);
  const auto it = providers_.find(provider_id);
  if (it == providers_.end()) return;  // stopped by ApplyConfig meanwhile
  ++received_updates_;
  auto& current = it->second->groups;
  for (TargetGroup& g : groups) {
    if (g.targets.empty()) {
      current.erase(g.source);
    } else {
      std::string source = g.source;
      current.insert_or_assign(std::move(source), std::move(g));
    }
  }
  triggered_ = true;
}

void Manager::RefreshFailed(uint64_t provider_id, const Status& status) {
  std::string job;
  {
    std::lock_guard lock(mu_);
    const auto it = providers_.find(provider_id);
    if (it == providers_.end()) return;
    job = it->second->job;
  }
  std::fprintf(stderr, "cairn: discovery for job %s: %s\n", job.c_str(), status.ToString().c_str());
}

TargetGroupsByJob Manager::AllGroups() const {
  std::lock_guard lock(mu_);
  TargetGroupsByJob out;
  for (const auto& [job, cfg] : configs_) out[job];
  for (const auto& [id, p] : providers_) {
    auto& groups = out[p->job];
    for (const auto& [source, g] : p->groups) groups.push_back(g);
  }
  return out;
}

void Manager::Refreshed(uint64_t provider_id, std::string_view mechanism, double seconds, bool failed) {
  std::lock_guard lock(mu_);
  const auto it = providers_.find(provider_id);
  if (it == providers_.end()) return;
  auto& r = refreshes_[{std::string(mechanism), it->second->job}];
  if (!r.duration) {
    r.mechanism = mechanism;
    r.config = it->second->job;
    r.duration = std::make_shared<WindowedSummary>();
  }
  if (failed) ++r.failures;
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  r.duration->Observe(seconds, now_ms.count());
}

ManagerFigures Manager::Figures() const {
  std::lock_guard lock(mu_);
  ManagerFigures f;
  f.received_updates = received_updates_;
  f.sent_updates = sent_updates_;
  for (const auto& [key, r] : refreshes_) f.refreshes.push_back(r);
  return f;
}

void Manager::SendLoop(std::stop_token stop) {
  while (ticker_->WaitTick(stop)) {
    {
      std::lock_guard lock(mu_);
      if (!triggered_) continue;
      triggered_ = false;
      ++sent_updates_;
    }
    on_sync_(AllGroups());
  }
}

}  // namespace cairn::scrape::discovery
