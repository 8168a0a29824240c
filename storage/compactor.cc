#include "storage/compactor.h"

#include <algorithm>
#include <span>

#include "storage/chunk/dense_block.h"

namespace cairn::storage {
namespace {

// Rewrites are written in batches of about this many bytes.
constexpr size_t kWriteBatchBytes = 4u << 20;
constexpr int64_t kDayMs = 86'400'000;

}  // namespace

void CompactionStats::Add(const CompactionStats& o) {
  windows += o.windows;
  chunks_in += o.chunks_in;
  blocks_out += o.blocks_out;
  samples_out += o.samples_out;
  samples_dropped += o.samples_dropped;
  bytes_in += o.bytes_in;
  bytes_out += o.bytes_out;
  windows_damaged += o.windows_damaged;
  days_compacted += o.days_compacted;
  more = o.more;
}

Result<CompactionStats> Compactor::RunPass(int64_t horizon_ms, size_t max_windows) {
  std::lock_guard<std::mutex> lock(mu_);
  CompactionStats stats;
  if (horizon_ms < INT64_MIN + kCompactionWindowMs) return stats;  // no window can have ended
  size_t budget = max_windows;
  for (;;) {
    if (!sweep_) {
      // The oldest day with complete windows whose XOR writes moved since
      // they were last swept; its dirty windows are swept together.
      std::optional<Sweep> next;
      for (const auto& [w, epoch] : store_->XorWriteEpochs()) {
        if (w > horizon_ms - kCompactionWindowMs) break;  // windows come oldest first
        const auto done = swept_.find(w);
        if (done != swept_.end() && done->second == epoch) continue;
        const int64_t day = ChunkStore::DayOf(w);
        if (!next) {
          // Not next.emplace(): clang 14 takes a nested class with member
          // initializers as not default-constructible inside std::optional.
          Sweep first;
          first.day = day;
          first.lo_ms = w;
          next = std::move(first);
        } else if (day != next->day) {
          break;
        }
        next->hi_ms = w + kCompactionWindowMs;
        next->epochs[w] = epoch;
      }
      if (!next) break;
      sweep_ = std::move(next);
    }
    if (budget == 0) {
      stats.more = true;
      break;
    }
    Sweep& sw = *sweep_;
    WriteSet ws;
    size_t ws_bytes = 0;
    // The scan stops at a series boundary when the budget is spent (the pass
    // ends) or a write batch is full (written after the scan, which holds the
    // store's partition lock; the sweep then goes on from there).
    bool have_group = false, out_of_budget = false, batch_full = false;
    SeriesRef group_ref = 0;
    int64_t group_window = 0;
    std::vector<Input> group;
    const auto finish_group = [&] {
      if (group.empty()) return;
      const bool dirty = sw.epochs.count(group_window) > 0;
      const bool has_xor = std::any_of(group.begin(), group.end(),
                                       [](const Input& c) { return c.format == chunk::Format::kXor; });
      // A chunk reaching past the window (none is written so) stays as it is:
      // a block must not span more than kMaxChunkSpanMs.
      const int64_t end = group_window + kCompactionWindowMs;
      const bool crosses =
          std::any_of(group.begin(), group.end(), [&](const Input& c) { return c.max_t_ms >= end; });
      if (dirty && has_xor && !crosses) {
        const size_t before = ws.chunks.size();
        if (CompactWindow(group_ref, group, &ws, &stats).ok()) {
          for (size_t i = before; i < ws.chunks.size(); ++i) ws_bytes += ws.chunks[i].data.size();
          for (const Input& c : group) sw.bytes_replaced += c.data.size();
          if (budget > 0) --budget;
        } else {
          ++stats.windows_damaged;
        }
      }
      group.clear();
    };
    Status scan =
        store_->ForEachChunkInRange(sw.day, sw.next_ref, sw.lo_ms, sw.hi_ms, [&](const StoredChunk& c) {
          const int64_t w = ChunkStore::WindowOf(c.min_t_ms);
          if (!have_group || c.ref != group_ref || w != group_window) {
            if (have_group && c.ref != group_ref) {
              finish_group();
              out_of_budget = budget == 0;
              batch_full = ws_bytes >= kWriteBatchBytes;
              if (out_of_budget || batch_full) {
                sw.next_ref = c.ref;  // resume with this series
                return false;
              }
            } else {
              finish_group();
            }
            have_group = true;
            group_ref = c.ref;
            group_window = w;
          }
          group.push_back({c.min_t_ms, c.max_t_ms, c.id, c.format, std::string(c.data)});
          return true;
        });
    if (scan.ok() && !out_of_budget && !batch_full) finish_group();
    // On an error the sweep stays, to be retried from its last resume point
    // (windows rewritten meanwhile hold no XOR chunk and are passed over).
    CAIRN_RETURN_IF_ERROR(scan);
    if (!ws.empty()) CAIRN_RETURN_IF_ERROR(store_->Write(ws, false));
    if (out_of_budget) {
      stats.more = true;
      break;
    }
    if (batch_full) continue;
    for (const auto& [w, epoch] : sw.epochs) swept_[w] = epoch;
    const bool day_complete = (sw.day + 1) * kDayMs <= horizon_ms;
    if (sw.bytes_replaced > 0 && (day_complete || sw.bytes_replaced * 4 >= store_->DayBytes(sw.day))) {
      CAIRN_RETURN_IF_ERROR(store_->CompactDay(sw.day));
      ++stats.days_compacted;
    }
    sweep_.reset();
  }
  return stats;
}

Status Compactor::CompactWindow(SeriesRef ref, const std::vector<Input>& in, WriteSet* ws,
                                CompactionStats* stats) {
  std::vector<Sample> all;
  uint64_t bytes_in = 0;
  for (const Input& c : in) {
    CAIRN_RETURN_IF_ERROR(chunk::AppendSamples(c.format, c.data, INT64_MIN, INT64_MAX, &all));
    bytes_in += c.data.size();
  }
  const size_t decoded = all.size();
  // Inputs were read in key order (min time, then id), so a stable sort
  // keeps, among samples sharing a timestamp, the one from the chunk first in
  // key order: the very sample a query returned before compaction (reads keep
  // the first disk sample per timestamp), so compacting changes no answer.
  // Two copies normally hold the same bits (duplicates with other bits are
  // refused at Append); the rule only has to be deterministic for a race two
  // appenders could win both.
  std::stable_sort(all.begin(), all.end(), [](const Sample& a, const Sample& b) { return a.t_ms < b.t_ms; });
  all.erase(
      std::unique(all.begin(), all.end(), [](const Sample& a, const Sample& b) { return a.t_ms == b.t_ms; }),
      all.end());
  // Deleted samples are left out, so compaction frees their space too (the
  // tombstones stay until CleanTombstones; they then find nothing here).
  const auto tombs = tombstones_(ref);
  if (!tombs.empty()) {
    std::erase_if(all, [&](const Sample& s) {
      return std::any_of(tombs.begin(), tombs.end(),
                         [&](const auto& iv) { return s.t_ms >= iv.first && s.t_ms <= iv.second; });
    });
  }
  for (const Input& c : in) ws->deleted_chunks.push_back({ref, c.min_t_ms, c.id});
  uint64_t piece = 0;
  for (size_t i = 0; i < all.size(); i += chunk::kDenseBlockMaxSamples, ++piece) {
    const std::span<const Sample> part(all.data() + i,
                                       std::min(all.size() - i, chunk::kDenseBlockMaxSamples));
    head::ClosedChunk b{ref,
                        part.front().t_ms,
                        part.back().t_ms,
                        kDenseBlockIdBase + piece,
                        chunk::EncodeDenseBlock(part),
                        chunk::Format::kDense};
    stats->bytes_out += b.data.size();
    ws->chunks.push_back(std::move(b));
    ++stats->blocks_out;
  }
  ++stats->windows;
  stats->chunks_in += in.size();
  stats->bytes_in += bytes_in;
  stats->samples_out += all.size();
  stats->samples_dropped += decoded - all.size();
  return Status::OK();
}

}  // namespace cairn::storage
