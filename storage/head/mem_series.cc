#include "storage/head/mem_series.h"

#include <algorithm>
#include <bit>

#include "util/varint.h"

namespace cairn::storage::head {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// End (exclusive) of the 2 h window holding `t_ms`.
int64_t WindowEnd(int64_t t_ms) { return (FloorDiv(t_ms, kChunkRangeMs) + 1) * kChunkRangeMs; }

constexpr uint64_t kCheckpointVersion = 1;

}  // namespace

bool MemSeries::FindLocked(int64_t t_ms, uint64_t* bits) const {
  if (!head_.empty() && t_ms >= head_.min_t_ms() && t_ms <= head_.max_t_ms()) {
    if (t_ms == head_.max_t_ms()) {
      *bits = std::bit_cast<uint64_t>(head_.last_value());
      return true;
    }
    chunk::XorIterator it(head_.bytes());
    while (it.Next()) {
      const Sample s = it.At();
      if (s.t_ms == t_ms) {
        *bits = std::bit_cast<uint64_t>(s.v);
        return true;
      }
      if (s.t_ms > t_ms) break;
    }
  }
  auto it = std::lower_bound(ooo_.begin(), ooo_.end(), t_ms,
                             [](const Sample& s, int64_t t) { return s.t_ms < t; });
  if (it != ooo_.end() && it->t_ms == t_ms) {
    *bits = std::bit_cast<uint64_t>(it->v);
    return true;
  }
  // Closed chunks on their way to RocksDB (usually none: ApplySamples writes
  // them before it returns).
  for (const ClosedChunk& c : unflushed_) {
    if (t_ms < c.min_t_ms || t_ms > c.max_t_ms) continue;
    chunk::XorIterator ci(c.data);
    while (ci.Next()) {
      const Sample s = ci.At();
      if (s.t_ms == t_ms) {
        *bits = std::bit_cast<uint64_t>(s.v);
        return true;
      }
      if (s.t_ms > t_ms) break;
    }
  }
  return false;
}

bool MemSeries::Conflicts(int64_t t_ms, double v) const {
  if (t_ms > max_t_.load(std::memory_order_relaxed)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (t_ms > max_t_.load(std::memory_order_relaxed)) return false;
  uint64_t bits;
  return FindLocked(t_ms, &bits) && bits != std::bit_cast<uint64_t>(v);
}

AppendOutcome MemSeries::Append(int64_t t_ms, double v, std::atomic<uint64_t>& next_ooo_id,
                                std::vector<ClosedChunk>* closed) {
  std::lock_guard<std::mutex> lock(mu_);
  GaugeUpdate gauge(*this);
  if (t_ms > max_t_.load(std::memory_order_relaxed)) {
    if (!head_.empty() &&
        (head_.num_samples() >= samples_per_chunk_ || t_ms >= WindowEnd(head_.min_t_ms()))) {
      CloseHead(closed);
    }
    head_.Append(t_ms, v);
    max_t_.store(t_ms, std::memory_order_relaxed);
    dirty_ = true;
    return AppendOutcome::kAppended;
  }
  uint64_t bits;
  if (FindLocked(t_ms, &bits)) {
    return bits == std::bit_cast<uint64_t>(v) ? AppendOutcome::kDuplicate : AppendOutcome::kConflict;
  }
  auto it = std::lower_bound(ooo_.begin(), ooo_.end(), t_ms,
                             [](const Sample& s, int64_t t) { return s.t_ms < t; });
  ooo_.insert(it, Sample{t_ms, v});
  dirty_ = true;
  if (ooo_.size() >= static_cast<size_t>(samples_per_chunk_)) CloseOoo(next_ooo_id, closed);
  return AppendOutcome::kOutOfOrder;
}

void MemSeries::CloseHead(std::vector<ClosedChunk>* closed) {
  head_.Compact();
  ClosedChunk c{ref_, head_.min_t_ms(), head_.max_t_ms(), 0, std::string(head_.bytes())};
  unflushed_.push_back(c);
  closed->push_back(std::move(c));
  head_ = chunk::XorChunk();
}

void MemSeries::CloseOoo(std::atomic<uint64_t>& next_ooo_id, std::vector<ClosedChunk>* closed) {
  size_t i = 0;
  while (i < ooo_.size()) {
    const int64_t end = WindowEnd(ooo_[i].t_ms);
    chunk::XorChunk c;
    size_t j = i;
    for (; j < ooo_.size() && ooo_[j].t_ms < end && c.num_samples() < 65535; ++j) c.Append(ooo_[j].t_ms, ooo_[j].v);
    ClosedChunk cc{ref_, ooo_[i].t_ms, ooo_[j - 1].t_ms, next_ooo_id.fetch_add(1), std::string(c.bytes())};
    unflushed_.push_back(cc);
    closed->push_back(std::move(cc));
    i = j;
  }
  ooo_.clear();
  ooo_.shrink_to_fit();
}

void MemSeries::ForgetFlushed(int64_t min_t_ms, uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  GaugeUpdate gauge(*this);
  auto it = std::find_if(unflushed_.begin(), unflushed_.end(),
                         [&](const ClosedChunk& c) { return c.min_t_ms == min_t_ms && c.id == id; });
  if (it != unflushed_.end()) {
    if (it->max_t_ms > disk_max_t_.load(std::memory_order_relaxed)) {
      disk_max_t_.store(it->max_t_ms, std::memory_order_relaxed);
    }
    unflushed_.erase(it);
  }
  if (unflushed_.empty()) unflushed_.shrink_to_fit();
}

HeadSnapshot MemSeries::Snapshot(int64_t min_t_ms, int64_t max_t_ms) const {
  HeadSnapshot out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const ClosedChunk& c : unflushed_) {
    if (c.max_t_ms >= min_t_ms && c.min_t_ms <= max_t_ms) out.chunks.push_back({c.min_t_ms, c.max_t_ms, c.data});
  }
  if (!head_.empty() && head_.max_t_ms() >= min_t_ms && head_.min_t_ms() <= max_t_ms) {
    out.chunks.push_back({head_.min_t_ms(), head_.max_t_ms(), std::string(head_.bytes())});
  }
  for (const Sample& s : ooo_) {
    if (s.t_ms >= min_t_ms && s.t_ms <= max_t_ms) out.ooo.push_back(s);
  }
  return out;
}

bool MemSeries::Bounds(int64_t* min_t_ms, int64_t* max_t_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  bool any = false;
  auto add = [&](int64_t lo, int64_t hi) {
    if (!any || lo < *min_t_ms) *min_t_ms = lo;
    if (!any || hi > *max_t_ms) *max_t_ms = hi;
    any = true;
  };
  if (!head_.empty()) add(head_.min_t_ms(), head_.max_t_ms());
  if (!ooo_.empty()) add(ooo_.front().t_ms, ooo_.back().t_ms);
  for (const ClosedChunk& c : unflushed_) add(c.min_t_ms, c.max_t_ms);
  return any;
}

size_t MemSeries::NumChunks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return NumChunksLocked();
}

size_t MemSeries::NumChunksLocked() const {
  return (head_.empty() ? 0 : 1) + (ooo_.empty() ? 0 : 1) + unflushed_.size();
}

namespace {

bool InRanges(int64_t t, const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  for (const auto& [lo, hi] : ranges) {
    if (t >= lo && t <= hi) return true;
  }
  return false;
}

bool Overlaps(int64_t min_t, int64_t max_t, const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  for (const auto& [lo, hi] : ranges) {
    if (max_t >= lo && min_t <= hi) return true;
  }
  return false;
}

}  // namespace

uint64_t MemSeries::DeleteRanges(const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  std::lock_guard<std::mutex> lock(mu_);
  GaugeUpdate gauge(*this);
  const auto in_ranges = [&](int64_t t) { return InRanges(t, ranges); };
  uint64_t removed = 0;
  if (!head_.empty() && Overlaps(head_.min_t_ms(), head_.max_t_ms(), ranges)) {
    chunk::XorChunk kept;
    removed += chunk::XorFilter(head_.bytes(), in_ranges, &kept).value_or(0);
    head_ = std::move(kept);
  }
  removed += std::erase_if(ooo_, [&](const Sample& s) { return in_ranges(s.t_ms); });
  for (auto it = unflushed_.begin(); it != unflushed_.end();) {
    if (!Overlaps(it->min_t_ms, it->max_t_ms, ranges)) {
      ++it;
      continue;
    }
    chunk::XorChunk kept;
    removed += chunk::XorFilter(it->data, in_ranges, &kept).value_or(0);
    if (kept.empty()) {
      it = unflushed_.erase(it);
      continue;
    }
    it->min_t_ms = kept.min_t_ms();
    it->max_t_ms = kept.max_t_ms();
    it->data = std::string(kept.bytes());
    ++it;
  }
  if (removed > 0) dirty_ = true;
  return removed;
}

MemSeries::GaugeUpdate::~GaugeUpdate() {
  if (s_.chunk_gauge_ == nullptr) return;
  const size_t after = s_.NumChunksLocked();
  if (after != before_) {
    s_.chunk_gauge_->fetch_add(static_cast<int64_t>(after) - static_cast<int64_t>(before_),
                               std::memory_order_relaxed);
  }
}

bool MemSeries::EncodeCheckpoint(std::string* out, std::vector<ClosedChunk>* unflushed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!dirty_ && unflushed_.empty()) return false;
  PutUvarint(out, kCheckpointVersion);
  PutVarint(out, max_t_.load(std::memory_order_relaxed));
  PutUvarint(out, head_.bytes().size());
  out->append(head_.bytes());
  PutUvarint(out, ooo_.size());
  for (const Sample& s : ooo_) {
    PutVarint(out, s.t_ms);
    const uint64_t bits = std::bit_cast<uint64_t>(s.v);
    for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  unflushed->insert(unflushed->end(), unflushed_.begin(), unflushed_.end());
  dirty_ = false;
  return true;
}

Status MemSeries::RestoreCheckpoint(std::string_view in) {
  const Status bad = Status::Corruption("head checkpoint of series " + std::to_string(ref_) + " is damaged");
  uint64_t version, len, n;
  int64_t max_t;
  if (!GetUvarint(&in, &version) || version != kCheckpointVersion || !GetVarint(&in, &max_t) ||
      !GetUvarint(&in, &len) || len > in.size()) {
    return bad;
  }
  auto chunk = chunk::XorChunk::FromBytes(in.substr(0, len));
  if (!chunk.ok()) return bad;
  in.remove_prefix(len);
  if (!GetUvarint(&in, &n) || n > in.size()) return bad;
  std::vector<Sample> ooo;
  ooo.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    int64_t t;
    if (!GetVarint(&in, &t) || in.size() < 8) return bad;
    uint64_t bits = 0;
    for (int b = 0; b < 8; ++b) bits |= uint64_t{static_cast<uint8_t>(in[b])} << (8 * b);
    in.remove_prefix(8);
    ooo.push_back({t, std::bit_cast<double>(bits)});
  }
  std::lock_guard<std::mutex> lock(mu_);
  GaugeUpdate gauge(*this);
  head_ = std::move(chunk).value();
  ooo_ = std::move(ooo);
  max_t_.store(max_t, std::memory_order_relaxed);
  // Chunks closed before the checkpoint are in RocksDB, all at or before the
  // newest in-order timestamp or inside closed OOO chunks below it.
  if (max_t > disk_max_t_.load(std::memory_order_relaxed)) disk_max_t_.store(max_t, std::memory_order_relaxed);
  dirty_ = false;
  return Status::OK();
}

}  // namespace cairn::storage::head
