#include "storage/inspect.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "storage/chunk/chunk_format.h"
#include "storage/chunk_store.h"
#include "storage/head/mem_series.h"

namespace cairn::storage {
namespace {

uint64_t DirBytes(const std::filesystem::path& dir, uint64_t* files = nullptr) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code ec2;
    if (!e.is_regular_file(ec2)) continue;
    total += e.file_size(ec2);
    if (files != nullptr) ++*files;
  }
  return total;
}

// Per-series figures from one pass over chunks and head checkpoints.
struct SeriesFigures {
  int64_t min_t = INT64_MAX;
  int64_t max_t = INT64_MIN;
  uint64_t samples = 0;
  uint64_t bytes = 0;
  void Note(int64_t lo, int64_t hi) {
    min_t = std::min(min_t, lo);
    max_t = std::max(max_t, hi);
  }
};

struct Scan {
  std::unique_ptr<ChunkStore> store;
  std::unordered_map<SeriesRef, Labels> labels;
  std::unordered_map<SeriesRef, SeriesFigures> figures;
  InspectReport report;
};

Result<Scan> ScanDir(const std::string& data_dir, const std::function<void(uint64_t)>& progress) {
  Scan scan;
  const std::filesystem::path root(data_dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(root / "db", ec)) {
    return Status::NotFound(data_dir + " is not a Cairn data directory (no db/ in it)");
  }
  ChunkStoreOptions so;
  so.block_cache_bytes = 32ull << 20;
  auto store = ChunkStore::Open((root / "db").string(), so, ChunkStoreOpenOptions{.read_only = true});
  if (!store.ok()) return store.status();
  scan.store = std::move(store).value();
  InspectReport& r = scan.report;

  CAIRN_RETURN_IF_ERROR(scan.store->ForEachSeries([&](SeriesRef ref, Labels ls) {
    scan.labels.emplace(ref, std::move(ls));
    return Status::OK();
  }));
  r.series = scan.labels.size();

  std::map<int64_t, PartitionInfo> parts;
  std::map<int64_t, std::set<SeriesRef>> part_series;
  for (int64_t day : scan.store->Days()) {
    parts[day].name = ChunkStore::DayName(day);
    parts[day].file_bytes = scan.store->DayBytes(day);
  }
  CAIRN_RETURN_IF_ERROR(scan.store->ForEachChunk([&](const StoredChunk& c) {
    if (!c.damage.empty()) return Status::Corruption(ChunkStore::DayName(c.day) + ": " + c.damage);
    PartitionInfo& p = parts[c.day];
    const uint64_t n = chunk::NumSamples(c.format, c.data);
    if (c.format == chunk::Format::kDense) ++p.dense_blocks;
    if (p.chunks == 0 || c.min_t_ms < p.min_time_ms) p.min_time_ms = c.min_t_ms;
    if (p.chunks == 0 || c.max_t_ms > p.max_time_ms) p.max_time_ms = c.max_t_ms;
    ++p.chunks;
    p.samples += n;
    p.chunk_bytes += c.stored_bytes;
    part_series[c.day].insert(c.ref);
    SeriesFigures& f = scan.figures[c.ref];
    f.Note(c.min_t_ms, c.max_t_ms);
    f.samples += n;
    f.bytes += c.stored_bytes;
    ++r.chunks;
    r.samples += n;
    if (progress && r.chunks % 4096 == 0) progress(r.chunks);
    return Status::OK();
  }));
  for (auto& [day, p] : parts) {
    p.series = part_series[day].size();
    r.partitions.push_back(std::move(p));
  }

  CAIRN_RETURN_IF_ERROR(scan.store->ForEachHead([&](SeriesRef ref, std::string_view state) {
    head::MemSeries m(ref, 120);
    CAIRN_RETURN_IF_ERROR(m.RestoreCheckpoint(state));
    const head::HeadSnapshot hs = m.Snapshot(INT64_MIN, INT64_MAX);
    uint64_t n = hs.ooo.size();
    for (const auto& c : hs.chunks) n += chunk::XorNumSamples(c.data);
    ++r.head_series;
    r.head_samples += n;
    int64_t lo, hi;
    if (m.Bounds(&lo, &hi)) {
      SeriesFigures& f = scan.figures[ref];
      f.Note(lo, hi);
      f.samples += n;
    }
    return Status::OK();
  }));
  CAIRN_RETURN_IF_ERROR(scan.store->ForEachMeta("tomb/", [&](std::string_view, std::string_view) {
    ++r.tombstones;
    return Status::OK();
  }));

  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const auto& [ref, f] : scan.figures) {
    if (f.min_t > f.max_t) continue;
    lo = std::min(lo, f.min_t);
    hi = std::max(hi, f.max_t);
  }
  if (lo <= hi) {
    r.min_time_ms = lo;
    r.max_time_ms = hi;
  }
  r.db_bytes = DirBytes(root / "db");
  r.wal_bytes = DirBytes(root / "wal", &r.wal_segments);
  const uint64_t all = r.samples + r.head_samples;
  r.bytes_per_sample = all == 0 ? 0 : static_cast<double>(r.db_bytes) / static_cast<double>(all);
  return scan;
}

std::vector<CountEntry> Top(std::unordered_map<std::string, uint64_t> counts, size_t limit) {
  std::vector<CountEntry> out;
  out.reserve(counts.size());
  for (auto& [name, n] : counts) out.push_back({name, n});
  // Largest first; ties by name so the output is stable.
  const auto larger = [](const CountEntry& a, const CountEntry& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  };
  if (out.size() > limit) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(limit), out.end(), larger);
    out.resize(limit);
  } else {
    std::sort(out.begin(), out.end(), larger);
  }
  return out;
}

bool MatchesAll(const Labels& ls, const Matchers& matchers) {
  for (const Matcher& m : matchers) {
    if (!m.Matches(ls.Get(m.name()))) return false;
  }
  return true;
}

}  // namespace

Result<InspectReport> Inspect(const std::string& data_dir, const std::function<void(uint64_t)>& progress) {
  auto scan = ScanDir(data_dir, progress);
  if (!scan.ok()) return scan.status();
  return std::move(scan->report);
}

Result<AnalyzeReport> Analyze(const std::string& data_dir, size_t limit, const Matchers& matchers,
                              const std::function<void(uint64_t)>& progress) {
  auto scan = ScanDir(data_dir, progress);
  if (!scan.ok()) return scan.status();
  AnalyzeReport a;
  a.min_time_ms = scan->report.min_time_ms;
  a.max_time_ms = scan->report.max_time_ms;
  std::unordered_map<std::string, uint64_t> churn_pairs, churn_names, pairs, metric_names, by_samples, by_bytes;
  std::unordered_map<std::string, std::set<std::string>> values;
  for (const auto& [ref, ls] : scan->labels) {
    if (!MatchesAll(ls, matchers)) continue;
    ++a.series;
    a.label_pair_entries += ls.size();
    const auto f = scan->figures.find(ref);
    const bool has_data = f != scan->figures.end() && f->second.min_t <= f->second.max_t;
    // As promtool: a series that does not span the whole data range churned.
    const bool churned =
        has_data && (f->second.min_t > a.min_time_ms || f->second.max_t < a.max_time_ms);
    for (const Label& l : ls) {
      const std::string pair = l.name + "=" + l.value;
      ++pairs[pair];
      values[l.name].insert(l.value);
      if (churned) {
        ++churn_pairs[pair];
        ++churn_names[l.name];
      }
    }
    ++metric_names[std::string(ls.MetricName())];
    if (has_data) {
      by_samples[ls.ToString()] = f->second.samples;
      by_bytes[ls.ToString()] = f->second.bytes;
    }
  }
  std::unordered_map<std::string, uint64_t> value_lengths, cardinality;
  for (const auto& [name, vs] : values) {
    uint64_t len = 0;
    for (const std::string& v : vs) len += v.size();
    value_lengths[name] = len;
    cardinality[name] = vs.size();
  }
  a.label_names = values.size();
  a.label_pairs = pairs.size();
  a.churn_label_pairs = Top(std::move(churn_pairs), limit);
  a.churn_label_names = Top(std::move(churn_names), limit);
  a.common_label_pairs = Top(std::move(pairs), limit);
  a.label_names_by_value_length = Top(std::move(value_lengths), limit);
  a.label_names_by_cardinality = Top(std::move(cardinality), limit);
  a.metric_names_by_cardinality = Top(std::move(metric_names), limit);
  a.largest_series_by_samples = Top(std::move(by_samples), limit);
  a.largest_series_by_bytes = Top(std::move(by_bytes), limit);
  return a;
}

}  // namespace cairn::storage
