#include "notifier/manager.h"

#include <cstdio>
#include <set>
#include <thread>

#include "notifier/alertmanager_discovery.h"

namespace cairn::notifier {

Manager::Manager(ManagerOptions options) : options_(std::move(options)) {
  discovery_ = std::make_unique<scrape::discovery::Manager>(
      [this](const scrape::discovery::TargetGroupsByJob& groups) { Sync(groups); }, options_.discovery);
}

Manager::~Manager() { Stop(); }

Status Manager::ApplyConfig(const AlertingConfig& config, const storage::Labels& external_labels) {
  std::map<std::string, std::unique_ptr<Set>> sets;
  std::map<std::string, scrape::discovery::SdConfigs> discovery;
  for (size_t i = 0; i < config.alertmanagers.size(); ++i) {
    auto set = std::make_unique<Set>();
    set->config = config.alertmanagers[i];
    auto client = scrape::http::Client::Create(set->config->http);
    if (!client.ok()) return client.status();
    set->client = std::move(*client);
    const std::string key = "config-" + std::to_string(i);
    discovery[key] = set->config->discovery;
    sets[key] = std::move(set);
  }
  std::vector<std::unique_ptr<SendLoop>> retired;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (stopped_) return Status::Internal("notifier manager is stopped");
    // An unchanged entry keeps what it discovered and its queues, so a
    // reload neither loses queued alerts nor waits for discovery.
    for (auto& [key, set] : sets) {
      for (auto& [old_key, old] : sets_) {
        if (old->loops.empty() && old->active.empty() && old->dropped.empty()) continue;
        if (old->config->fingerprint != set->config->fingerprint) continue;
        set->active = std::move(old->active);
        set->dropped = std::move(old->dropped);
        set->loops = std::move(old->loops);
        old->loops.clear();
        break;
      }
    }
    for (auto& [key, old] : sets_) {
      for (auto& [url, loop] : old->loops) retired.push_back(std::move(loop));
    }
    sets_ = std::move(sets);
    external_labels_ = external_labels;
    alert_relabel_ = config.alert_relabel;
  }
  // Outside the lock: stopping waits for a POST in flight.
  for (auto& loop : retired) loop->Stop(std::chrono::steady_clock::now());
  std::lock_guard<std::mutex> discovery_lock(discovery_mu_);
  if (discovery_) discovery_->ApplyConfig(discovery);  // gone if Stop ran meanwhile
  return Status::OK();
}

void Manager::Sync(const scrape::discovery::TargetGroupsByJob& groups) {
  std::vector<std::unique_ptr<SendLoop>> retired;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (stopped_) return;
    for (const auto& [key, tgs] : groups) {
      auto it = sets_.find(key);
      if (it == sets_.end()) continue;  // a stale update from before a reload
      Set& set = *it->second;
      std::vector<storage::Labels> active, dropped;
      for (const auto& tg : tgs) {
        auto found = AlertmanagersFromGroup(tg, *set.config);
        if (!found.ok()) {
          std::fprintf(stderr, "cairn: notifier: creating discovered Alertmanagers failed: %s\n",
                       found.status().message().c_str());
          continue;
        }
        active.insert(active.end(), found->active.begin(), found->active.end());
        dropped.insert(dropped.end(), found->dropped.begin(), found->dropped.end());
      }
      set.active.clear();
      set.dropped = std::move(dropped);
      std::set<std::string> urls;
      for (auto& am : active) {
        std::string url = AlertmanagerUrl(am);
        if (!urls.insert(url).second) continue;
        set.active.push_back(std::move(am));
        if (!set.loops.count(url)) {
          set.loops[url] = std::make_unique<SendLoop>(url, set.config, set.client, options_.queue);
        }
      }
      for (auto loop = set.loops.begin(); loop != set.loops.end();) {
        if (urls.count(loop->first)) {
          ++loop;
          continue;
        }
        retired.push_back(std::move(loop->second));
        loop = set.loops.erase(loop);
      }
    }
  }
  for (auto& loop : retired) loop->Stop(std::chrono::steady_clock::now());
}

void Manager::Send(std::vector<Alert> alerts) {
  std::vector<AlertPtr> shared;
  shared.reserve(alerts.size());
  for (auto& a : alerts) shared.push_back(std::make_shared<const Alert>(std::move(a)));
  std::shared_lock<std::shared_mutex> lock(mu_);
  if (stopped_) return;
  std::vector<AlertPtr> relabeled = RelabelAlerts(shared, external_labels_, alert_relabel_);
  if (relabeled.empty()) return;
  for (const auto& [key, set] : sets_) {
    std::vector<AlertPtr> own;
    std::span<const AlertPtr> to_send = relabeled;
    if (!set->config->alert_relabel.empty()) {
      own = RelabelAlerts(relabeled, storage::Labels(), set->config->alert_relabel);
      to_send = own;
    }
    if (to_send.empty()) continue;
    for (const auto& [url, loop] : set->loops) loop->Add(to_send);
  }
}

std::vector<std::string> Manager::ActiveAlertmanagers() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [key, set] : sets_) {
    for (const auto& am : set->active) out.push_back(AlertmanagerUrl(am));
  }
  return out;
}

std::vector<std::string> Manager::DroppedAlertmanagers() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [key, set] : sets_) {
    for (const auto& am : set->dropped) out.push_back(AlertmanagerUrl(am));
  }
  return out;
}

NotifierFigures Manager::Collect() const {
  NotifierFigures f;
  f.queue_capacity = options_.queue.capacity;
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& [key, set] : sets_) {
    f.alertmanagers_discovered += set->active.size();
    for (const auto& [url, loop] : set->loops) f.alertmanagers.push_back(loop->Collect());
  }
  return f;
}

void Manager::Stop(std::chrono::milliseconds drain_timeout) {
  const auto deadline = std::chrono::steady_clock::now() + drain_timeout;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  // No Sync runs once the discovery manager is gone, so the loops can be
  // stopped without the lock; the sets stay for the figures.
  {
    std::lock_guard<std::mutex> discovery_lock(discovery_mu_);
    discovery_.reset();
  }
  // Every Alertmanager drains in parallel, within the same deadline.
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::jthread> stopping;
  for (const auto& [key, set] : sets_) {
    for (const auto& [url, loop] : set->loops) {
      stopping.emplace_back([loop = loop.get(), deadline] { loop->Stop(deadline); });
    }
  }
}

}  // namespace cairn::notifier
