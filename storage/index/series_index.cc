#include "storage/index/series_index.h"

#include <algorithm>

namespace cairn::storage::index {

SeriesIndex::Entry SeriesIndex::GetOrCreate(const Labels& labels, const std::function<void(SeriesRef)>& on_create) {
  const size_t h = LabelsHash()(labels);
  LabelShard& shard = label_shards_[h % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.by_labels.find(labels);
  if (it != shard.by_labels.end()) return {it->second, false};
  const SeriesRef ref = next_ref_.fetch_add(1, std::memory_order_relaxed);
  if (on_create) on_create(ref);
  auto [pos, inserted] = shard.by_labels.emplace(labels, ref);
  {
    RefShard& rs = ref_shards_[ref % kShards];
    std::lock_guard<std::mutex> rlock(rs.mu);
    rs.by_ref.emplace(ref, &pos->first);
  }
  AddPostings(ref, labels);
  num_series_.fetch_add(1, std::memory_order_relaxed);
  return {ref, true};
}

bool SeriesIndex::Add(SeriesRef ref, const Labels& labels) {
  const size_t h = LabelsHash()(labels);
  LabelShard& shard = label_shards_[h % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.by_labels.count(labels) != 0) return false;
  RefShard& rs = ref_shards_[ref % kShards];
  {
    std::lock_guard<std::mutex> rlock(rs.mu);
    if (rs.by_ref.count(ref) != 0) return false;
    auto pos = shard.by_labels.emplace(labels, ref).first;
    rs.by_ref.emplace(ref, &pos->first);
  }
  SeriesRef next = next_ref_.load(std::memory_order_relaxed);
  while (next <= ref && !next_ref_.compare_exchange_weak(next, ref + 1, std::memory_order_relaxed)) {
  }
  AddPostings(ref, labels);
  num_series_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void SeriesIndex::AddPostings(SeriesRef ref, const Labels& labels) {
  std::unique_lock<std::shared_mutex> lock(postings_mu_);
  InsertSorted(&all_, ref);
  for (const Label& l : labels) {
    auto name_it = postings_.find(l.name);
    if (name_it == postings_.end()) name_it = postings_.emplace(l.name, std::map<std::string, Postings, std::less<>>()).first;
    InsertSorted(&name_it->second[l.value], ref);
  }
}

size_t SeriesIndex::Remove(const std::vector<SeriesRef>& refs) {
  std::vector<std::pair<SeriesRef, const Labels*>> gone;
  for (SeriesRef ref : refs) {
    const Labels* ls = GetLabels(ref);
    if (ls == nullptr) continue;
    LabelShard& shard = label_shards_[LabelsHash()(*ls) % kShards];
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.by_labels.find(*ls);
    if (it == shard.by_labels.end() || it->second != ref) continue;
    {
      RefShard& rs = ref_shards_[ref % kShards];
      std::lock_guard<std::mutex> rlock(rs.mu);
      rs.by_ref.erase(ref);
    }
    // The node keeps the key at its address, so `ls` stays valid.
    LabelNode node = shard.by_labels.extract(it);
    {
      std::lock_guard<std::mutex> rlock(removed_mu_);
      removed_.push_back(std::move(node));
    }
    gone.emplace_back(ref, ls);
  }
  if (gone.empty()) return 0;
  // One subtraction per touched postings list, not one erase per series.
  std::map<std::pair<std::string_view, std::string_view>, Postings> by_pair;
  Postings all_gone;
  for (const auto& [ref, ls] : gone) {
    all_gone.push_back(ref);
    for (const Label& l : *ls) by_pair[{l.name, l.value}].push_back(ref);
  }
  std::sort(all_gone.begin(), all_gone.end());
  std::unique_lock<std::shared_mutex> lock(postings_mu_);
  all_ = Subtract(all_, all_gone);
  for (auto& [pair, drop] : by_pair) {
    auto n = postings_.find(pair.first);
    if (n == postings_.end()) continue;
    auto v = n->second.find(pair.second);
    if (v == n->second.end()) continue;
    std::sort(drop.begin(), drop.end());
    v->second = Subtract(v->second, drop);
    if (v->second.empty()) n->second.erase(v);
    if (n->second.empty()) postings_.erase(n);
  }
  num_series_.fetch_sub(gone.size(), std::memory_order_relaxed);
  return gone.size();
}

void SeriesIndex::Reserve(size_t n) {
  const size_t per_shard = n / kShards + 1;
  for (auto& s : label_shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.by_labels.reserve(per_shard);
  }
  for (auto& s : ref_shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.by_ref.reserve(per_shard);
  }
}

const Labels* SeriesIndex::GetLabels(SeriesRef ref) const {
  const RefShard& rs = ref_shards_[ref % kShards];
  std::lock_guard<std::mutex> lock(rs.mu);
  auto it = rs.by_ref.find(ref);
  return it == rs.by_ref.end() ? nullptr : it->second;
}

SeriesRef SeriesIndex::Lookup(const Labels& labels) const {
  const LabelShard& shard = label_shards_[LabelsHash()(labels) % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.by_labels.find(labels);
  return it == shard.by_labels.end() ? 0 : it->second;
}

Postings SeriesIndex::PostingsFor(const std::string& name, const std::string& value) const {
  std::shared_lock<std::shared_mutex> lock(postings_mu_);
  auto n = postings_.find(name);
  if (n == postings_.end()) return {};
  auto v = n->second.find(value);
  return v == n->second.end() ? Postings() : v->second;
}

Postings SeriesIndex::ValuesPostings(const Matcher& m, bool accept) const {
  auto n = postings_.find(m.name());
  if (n == postings_.end()) return {};
  const auto& values = n->second;
  const bool single = (m.type() == MatchType::kEqual && accept) ||
                      (m.type() == MatchType::kNotEqual && !accept);
  if (single) {
    auto v = values.find(m.value());
    return v == values.end() ? Postings() : v->second;
  }
  std::vector<const Postings*> lists;
  for (const auto& [value, refs] : values) {
    if (m.Matches(value) == accept) lists.push_back(&refs);
  }
  return Union(lists);
}

Postings SeriesIndex::Select(const Matchers& matchers) const {
  std::shared_lock<std::shared_mutex> lock(postings_mu_);
  std::vector<Postings> intersect;
  std::vector<Postings> subtract;
  for (const Matcher& m : matchers) {
    if (m.MatchesEmpty()) {
      subtract.push_back(ValuesPostings(m, false));
    } else {
      intersect.push_back(ValuesPostings(m, true));
      if (intersect.back().empty()) return {};
    }
  }
  Postings result;
  if (intersect.empty()) {
    result = all_;
  } else {
    std::sort(intersect.begin(), intersect.end(),
              [](const Postings& a, const Postings& b) { return a.size() < b.size(); });
    result = std::move(intersect[0]);
    for (size_t i = 1; i < intersect.size() && !result.empty(); ++i) result = Intersect(result, intersect[i]);
  }
  for (const Postings& s : subtract) {
    if (result.empty()) break;
    if (!s.empty()) result = Subtract(result, s);
  }
  return result;
}

CardinalityStats SeriesIndex::Stats(size_t limit) const {
  CardinalityStats st;
  std::shared_lock<std::shared_mutex> lock(postings_mu_);
  st.num_series = all_.size();
  for (const auto& [name, values] : postings_) {
    st.num_label_pairs += values.size();
    st.label_value_count_by_label_name.emplace_back(name, values.size());
    uint64_t bytes = 0;
    for (const auto& [value, refs] : values) {
      bytes += value.size();
      if (name == kMetricName) st.series_count_by_metric_name.emplace_back(value, refs.size());
      st.series_count_by_label_value_pair.emplace_back(name + "=" + value, refs.size());
      // Keep the pair list bounded while walking: only the top `limit` survive.
      if (st.series_count_by_label_value_pair.size() >= 4 * limit + 1024) {
        SortAndCut(&st.series_count_by_label_value_pair, limit);
      }
    }
    st.memory_in_bytes_by_label_name.emplace_back(name, bytes);
  }
  lock.unlock();
  SortAndCut(&st.series_count_by_metric_name, limit);
  SortAndCut(&st.label_value_count_by_label_name, limit);
  SortAndCut(&st.memory_in_bytes_by_label_name, limit);
  SortAndCut(&st.series_count_by_label_value_pair, limit);
  return st;
}

std::vector<std::string> SeriesIndex::LabelNames() const {
  std::shared_lock<std::shared_mutex> lock(postings_mu_);
  std::vector<std::string> out;
  out.reserve(postings_.size());
  for (const auto& [name, values] : postings_) out.push_back(name);
  return out;
}

std::vector<std::string> SeriesIndex::LabelValues(const std::string& name) const {
  std::shared_lock<std::shared_mutex> lock(postings_mu_);
  std::vector<std::string> out;
  auto n = postings_.find(name);
  if (n == postings_.end()) return out;
  out.reserve(n->second.size());
  for (const auto& [value, refs] : n->second) out.push_back(value);
  return out;
}

}  // namespace cairn::storage::index
