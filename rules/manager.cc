#include "rules/manager.h"

#include <algorithm>
#include <map>

#include "promql/parser/parser.h"
#include "rules/recording_rule.h"

namespace cairn::rules {
namespace {

storage::Labels FromMap(const std::map<std::string, std::string>& m) {
  std::vector<storage::Label> ls;
  ls.reserve(m.size());
  for (const auto& [k, v] : m) ls.push_back({k, v});
  return storage::Labels::FromSorted(std::move(ls));
}

void SortGroups(std::vector<std::shared_ptr<Group>>& groups) {
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    if (a->file() != b->file()) return a->file() < b->file();
    return a->name() < b->name();
  });
}

}  // namespace

QueryFunc EngineQueryFunc(const promql::Engine* engine, storage::Queryable* queryable,
                          promql::QueryOptions query_options) {
  return [engine, queryable, query_options](const promql::Expr& expr, int64_t t_ms) -> Result<promql::Vector> {
    auto r = engine->InstantQuery(*queryable, expr, t_ms, query_options);
    if (!r.ok()) return r.status();
    if (auto* v = std::get_if<promql::Vector>(&r->value)) return std::move(*v);
    if (auto* s = std::get_if<promql::Scalar>(&r->value)) {
      return promql::Vector{promql::Sample{storage::Labels{}, s->t_ms, s->v}};
    }
    return Status::Execution("rule result is not a vector or scalar");
  };
}

Result<std::vector<std::shared_ptr<Group>>> GroupsFromFiles(std::shared_ptr<const ManagerOptions> opts,
                                                            std::shared_ptr<DurationTotals> totals,
                                                            int64_t default_interval_ms,
                                                            const std::vector<RuleFile>& files, bool should_restore) {
  std::map<std::string, std::shared_ptr<Group>> by_key;  // a file listed twice yields its groups once
  for (const RuleFile& f : files) {
    for (const RuleGroupSpec& g : f.groups) {
      GroupOptions go;
      go.name = g.name;
      go.file = f.path;
      go.interval_ms = g.interval_ms != 0 ? g.interval_ms : default_interval_ms;
      go.limit = g.limit;
      go.query_offset_ms = g.query_offset_ms;
      go.should_restore = should_restore;
      go.opts = opts;
      go.totals = totals;
      for (const RuleSpec& r : g.rules) {
        auto expr = promql::parser::ParseExpr(r.expr);
        if (!expr.ok()) return Status::InvalidArgument(f.path + ": " + expr.status().message());
        std::map<std::string, std::string> merged = g.labels;  // rule labels win over group labels
        for (const auto& [k, v] : r.labels) merged[k] = v;
        if (r.alert.empty()) {
          go.rules.push_back(std::make_shared<RecordingRule>(r.record, std::move(expr).value(), FromMap(merged)));
          continue;
        }
        AlertingRuleOptions ao;
        ao.for_ms = r.for_ms;
        ao.keep_firing_for_ms = r.keep_firing_for_ms;
        ao.labels = FromMap(merged);
        ao.annotations = FromMap(r.annotations);
        ao.external_labels = opts->external_labels;
        ao.external_url = opts->external_url;
        ao.restored = !should_restore;
        go.rules.push_back(std::make_shared<AlertingRule>(r.alert, std::move(expr).value(), std::move(ao)));
      }
      std::string key = GroupKey(go.file, go.name);
      by_key[key] = std::make_shared<Group>(std::move(go));
    }
  }
  std::vector<std::shared_ptr<Group>> out;
  out.reserve(by_key.size());
  for (auto& [_, g] : by_key) out.push_back(std::move(g));
  SortGroups(out);
  return out;
}

namespace {

Result<std::vector<RuleFile>> ParseFiles(const std::vector<std::string>& files,
                                         storage::NameValidationScheme scheme) {
  std::vector<RuleFile> parsed;
  parsed.reserve(files.size());
  for (const auto& path : files) {
    auto f = LoadRuleFile(path, scheme);
    if (!f.ok()) return f.status();
    parsed.push_back(std::move(f).value());
  }
  return parsed;
}

}  // namespace

Result<std::vector<std::shared_ptr<Group>>> LoadGroups(const ManagerOptions& opts, int64_t default_interval_ms,
                                                       const std::vector<std::string>& files, bool should_restore) {
  auto parsed = ParseFiles(files, opts.name_validation);
  if (!parsed.ok()) return parsed.status();
  return GroupsFromFiles(std::make_shared<const ManagerOptions>(opts), nullptr, default_interval_ms, *parsed,
                         should_restore);
}

Manager::Manager(ManagerOptions opts) : opts_(std::move(opts)) {}

Manager::~Manager() { Stop(); }

Status Manager::Update(int64_t default_interval_ms, const std::vector<std::string>& files,
                       const storage::Labels& external_labels, const std::string& external_url) {
  std::lock_guard<std::mutex> l(mu_);
  if (stopped_) return Status::OK();
  auto parsed = ParseFiles(files, opts_.name_validation);
  if (!parsed.ok()) {
    return Status::InvalidArgument("error loading rules, previous rule set restored: " + parsed.status().message());
  }
  ManagerOptions next = opts_;
  next.external_labels = external_labels;
  next.external_url = external_url;
  auto snapshot = std::make_shared<const ManagerOptions>(next);
  auto built = GroupsFromFiles(snapshot, totals_, default_interval_ms, *parsed, /*should_restore=*/!restored_);
  if (!built.ok()) {
    return Status::InvalidArgument("error loading rules, previous rule set restored: " + built.status().message());
  }
  opts_ = std::move(next);
  restored_ = true;

  std::map<std::string, std::shared_ptr<Group>> old;
  for (auto& g : groups_) old[GroupKey(g->file(), g->name())] = g;
  std::vector<std::shared_ptr<Group>> groups;
  for (auto& ng : *built) {
    auto it = old.find(GroupKey(ng->file(), ng->name()));
    std::shared_ptr<Group> og;
    if (it != old.end()) {
      og = std::move(it->second);
      old.erase(it);
    }
    if (og && og->Equals(*ng)) {
      groups.push_back(std::move(og));  // unchanged: keeps running as it is
      continue;
    }
    if (og) {
      og->Stop();
      ng->CopyState(*og);
    }
    if (started_) ng->Start();
    groups.push_back(std::move(ng));
  }
  for (auto& [_, og] : old) {
    if (started_) {
      og->Retire();
      retired_.push_back(std::move(og));
    } else {
      og->Stop();
    }
  }
  SortGroups(groups);
  groups_ = std::move(groups);
  return Status::OK();
}

void Manager::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (started_ || stopped_) return;
  started_ = true;
  for (auto& g : groups_) g->Start();
}

void Manager::Stop() {
  std::lock_guard<std::mutex> l(mu_);
  if (stopped_) return;
  stopped_ = true;
  for (auto& g : groups_) g->Stop();
  for (auto& g : retired_) g->Stop();
}

std::vector<std::shared_ptr<Group>> Manager::RuleGroups() const {
  std::lock_guard<std::mutex> l(mu_);
  return groups_;
}

ManagerFigures Manager::Figures() const {
  ManagerFigures f;
  {
    std::lock_guard<std::mutex> l(totals_->mu);
    f.rule_evaluation_seconds_sum = totals_->rule_seconds_sum;
    f.rule_evaluation_count = totals_->rule_count;
    f.group_duration_seconds_sum = totals_->group_seconds_sum;
    f.group_duration_count = totals_->group_count;
  }
  for (const auto& g : RuleGroups()) f.groups.push_back(g->Figures());
  std::sort(f.groups.begin(), f.groups.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return f;
}

}  // namespace cairn::rules
