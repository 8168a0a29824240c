#include "storage/verify.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <unordered_set>

#include "storage/chunk/chunk_format.h"
#include "storage/chunk_store.h"
#include "storage/head/mem_series.h"
#include "storage/wal/segment_reader.h"

namespace cairn::storage {
namespace {

constexpr size_t kMaxListed = 100;

class Problems {
 public:
  explicit Problems(VerifyReport* r) : r_(r) {}
  void Add(std::string what) {
    ++r_->problems_total;
    if (r_->problems.size() < kMaxListed) r_->problems.push_back(std::move(what));
  }

 private:
  VerifyReport* r_;
};

// Checks one chunk's bytes against its key and header; empty when sound.
std::string CheckChunk(const StoredChunk& c, uint64_t* samples) {
  if (!c.damage.empty()) return c.damage;
  if (ChunkStore::DayOf(c.min_t_ms) != c.day) return "chunk stored in the wrong day partition";
  const uint64_t want = chunk::NumSamples(c.format, c.data);
  if (want == 0) return "chunk without samples";
  std::vector<Sample> decoded;
  Status st = chunk::AppendSamples(c.format, c.data, INT64_MIN, INT64_MAX, &decoded);
  if (!st.ok()) return std::string(chunk::FormatName(c.format)) + " data does not decode: " + st.message();
  const uint64_t n = decoded.size();
  for (uint64_t i = 1; i < n; ++i) {
    if (decoded[i].t_ms <= decoded[i - 1].t_ms) return "timestamps do not ascend at sample " + std::to_string(i);
  }
  *samples += n;
  if (n != want) return "decodes to " + std::to_string(n) + " samples, header says " + std::to_string(want);
  const int64_t first = decoded.front().t_ms, prev = decoded.back().t_ms;
  if (first != c.min_t_ms) return "first sample at " + std::to_string(first) + ", key says " + std::to_string(c.min_t_ms);
  if (prev != c.max_t_ms) return "last sample at " + std::to_string(prev) + ", header says " + std::to_string(c.max_t_ms);
  return "";
}

// Reads every WAL segment through the reader replay uses.
void CheckWal(const std::string& dir, VerifyReport* r, Problems* problems) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return;  // no WAL written yet
  auto segs = wal::ListSegmentFiles(dir);
  if (!segs.ok()) {
    problems->Add("wal: " + segs.status().message());
    return;
  }
  for (size_t i = 0; i < segs->size(); ++i) {
    const std::string path = wal::SegmentFileName(dir, (*segs)[i].segment);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      problems->Add("wal segment " + path + ": cannot be read");
      continue;
    }
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ++r->wal_segments_checked;
    size_t pos = 0;
    wal::FrameStatus status = wal::FrameStatus::kRecord;
    while (pos < data.size()) {
      wal::Frame frame;
      status = wal::ReadFrame(std::string_view(data).substr(pos), &frame);
      if (status != wal::FrameStatus::kRecord) break;
      ++r->wal_records_checked;
      pos += frame.size;
    }
    if (pos == data.size()) continue;
    const bool torn = status == wal::FrameStatus::kIncomplete;
    const std::string where = "wal segment " + path + ": " +
                              (torn ? "truncated record" : "record checksum mismatch") + " at offset " +
                              std::to_string(pos) + " of " + std::to_string(data.size()) + " bytes";
    // A record cut short at the end of the newest segment is what a crash
    // leaves; the server truncates it at start.
    if (i + 1 == segs->size() && torn) {
      r->wal_torn_tail = where;
    } else {
      problems->Add(where + " (records after it are unreadable)");
    }
  }
}

}  // namespace

Result<VerifyReport> Verify(const std::string& data_dir, const std::function<void(uint64_t)>& progress) {
  const std::filesystem::path root(data_dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(root / "db", ec)) {
    return Status::NotFound(data_dir + " is not a Cairn data directory (no db/ in it)");
  }
  ChunkStoreOptions so;
  so.block_cache_bytes = 32ull << 20;
  auto store = ChunkStore::Open((root / "db").string(), so, ChunkStoreOpenOptions{.read_only = true});
  if (!store.ok()) return store.status();
  VerifyReport r;
  Problems problems(&r);

  if (Status st = (*store)->VerifyChecksums(); !st.ok()) problems.Add("block checksums: " + st.message());

  std::unordered_set<SeriesRef> refs;
  std::unordered_map<Labels, SeriesRef, LabelsHash> by_labels;
  Status st = (*store)->ForEachSeries([&](SeriesRef ref, Labels ls) {
    ++r.series_checked;
    refs.insert(ref);
    if (ls.empty()) {
      problems.Add("series " + std::to_string(ref) + ": empty label set");
    } else if (Status v = Labels::Validate(ls.vec()); !v.ok()) {
      problems.Add("series " + std::to_string(ref) + ": " + v.message());
    }
    auto [it, fresh] = by_labels.emplace(std::move(ls), ref);
    if (!fresh) {
      problems.Add("series " + std::to_string(ref) + ": same labels as series " + std::to_string(it->second) + " " +
                   it->first.ToString());
    }
    return Status::OK();
  });
  if (!st.ok()) problems.Add("series index: " + st.message() + " (scan stopped there)");

  st = (*store)->ForEachChunk([&](const StoredChunk& c) {
    ++r.chunks_checked;
    const std::string where = ChunkStore::DayName(c.day) + " series " + std::to_string(c.ref) + " chunk at " +
                              std::to_string(c.min_t_ms) + " (id " + std::to_string(c.id) + ")";
    if (std::string bad = CheckChunk(c, &r.samples_checked); !bad.empty()) problems.Add(where + ": " + bad);
    if (c.damage.empty() && refs.count(c.ref) == 0) problems.Add(where + ": series not in the index");
    if (progress && r.chunks_checked % 4096 == 0) progress(r.chunks_checked);
    return Status::OK();
  });
  if (!st.ok()) problems.Add("chunks: " + st.message() + " (scan stopped there)");

  st = (*store)->ForEachHead([&](SeriesRef ref, std::string_view state) {
    ++r.heads_checked;
    head::MemSeries m(ref, 120);
    if (Status h = m.RestoreCheckpoint(state); !h.ok()) problems.Add(h.message());
    if (refs.count(ref) == 0) problems.Add("head checkpoint of series " + std::to_string(ref) + ": series not in the index");
    return Status::OK();
  });
  if (!st.ok()) problems.Add("head checkpoints: " + st.message() + " (scan stopped there)");

  st = (*store)->ForEachMeta("tomb/", [&](std::string_view key, std::string_view) {
    ++r.tombstones_checked;
    long long ref, lo, hi;
    char tail;
    const std::string k(key);
    if (std::sscanf(k.c_str(), "tomb/%lld/%lld/%lld%c", &ref, &lo, &hi, &tail) != 3 || lo > hi) {
      problems.Add("tombstone key \"" + k + "\" is damaged");
    }
    return Status::OK();
  });
  if (!st.ok()) problems.Add("tombstones: " + st.message());
  CheckWal((root / "wal").string(), &r, &problems);
  return r;
}

}  // namespace cairn::storage
