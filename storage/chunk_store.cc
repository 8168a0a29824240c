#include "storage/chunk_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/options.h>
#include <rocksdb/statistics.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "util/varint.h"

namespace cairn::storage {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr char kSeriesCf[] = "series";
constexpr char kHeadCf[] = "head";
constexpr char kDayPrefix[] = "chunks_";

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(std::string(what) + ": " + s.ToString());
  if (s.IsCorruption()) return Status::Corruption(std::string(what) + ": " + s.ToString());
  // A full disk passes: Unavailable, as the file system seam says.
  if (s.IsNoSpace()) return Status::Unavailable(std::string(what) + ": " + s.ToString());
  return Status::IOError(std::string(what) + ": " + s.ToString());
}

void PutBE64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetBE64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Flipping the sign bit makes big-endian bytes sort like signed values.
uint64_t OrderedTime(int64_t t) { return static_cast<uint64_t>(t) ^ (uint64_t{1} << 63); }
int64_t FromOrderedTime(uint64_t u) { return static_cast<int64_t>(u ^ (uint64_t{1} << 63)); }

std::string ChunkKey(SeriesRef ref, int64_t min_t, uint64_t id) {
  std::string k;
  k.reserve(24);
  PutBE64(&k, ref);
  PutBE64(&k, OrderedTime(min_t));
  PutBE64(&k, id);
  return k;
}

// A stored value is `uvarint (max_t - min_t) | chunk`. An XOR chunk starts
// with its sample count (uint16 BE, never 0 on disk), so data written before
// formats existed reads as XOR; any other format is marked by a zero count
// followed by its Format byte: `00 00 | u8 format | chunk`.
std::string EncodeChunkValue(const head::ClosedChunk& c) {
  std::string v;
  PutUvarint(&v, static_cast<uint64_t>(c.max_t_ms) - static_cast<uint64_t>(c.min_t_ms));
  if (c.format != chunk::Format::kXor) {
    v.append(2, '\0');
    v.push_back(static_cast<char>(c.format));
  }
  v.append(c.data);
  return v;
}

// Parses a value into its span, format and chunk bytes; false when damaged.
bool ParseChunkValue(std::string_view v, uint64_t* span, chunk::Format* format, std::string_view* data) {
  if (!GetUvarint(&v, span)) return false;
  *format = chunk::Format::kXor;
  if (v.size() >= 3 && v[0] == 0 && v[1] == 0) {
    const auto f = static_cast<uint8_t>(v[2]);
    if (f != static_cast<uint8_t>(chunk::Format::kDense)) return false;
    *format = chunk::Format::kDense;
    v.remove_prefix(3);
  }
  *data = v;
  return true;
}

std::string EncodeLabels(const Labels& ls) {
  std::string out;
  PutUvarint(&out, ls.size());
  for (const Label& l : ls) {
    PutUvarint(&out, l.name.size());
    out.append(l.name);
    PutUvarint(&out, l.value.size());
    out.append(l.value);
  }
  return out;
}

bool DecodeLabels(std::string_view in, Labels* out) {
  uint64_t n;
  if (!GetUvarint(&in, &n) || n > in.size()) return false;
  std::vector<Label> v(n);
  for (Label& l : v) {
    uint64_t len;
    if (!GetUvarint(&in, &len) || len > in.size()) return false;
    l.name.assign(in.data(), len);
    in.remove_prefix(len);
    if (!GetUvarint(&in, &len) || len > in.size()) return false;
    l.value.assign(in.data(), len);
    in.remove_prefix(len);
  }
  *out = Labels::FromUnsorted(std::move(v));
  return true;
}

rocksdb::ColumnFamilyOptions ChunkCfOptions(const ChunkStoreOptions& opts, std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::ColumnFamilyOptions o;
  // XOR data is dense already; zstd still takes ~10-20% off and, at Cairn's
  // write rates (a few MB/s), costs little CPU. Flushes write L0 with
  // `compression`, so zstd is set for every level, bottommost included.
  o.compression = rocksdb::kZSTD;
  o.bottommost_compression = rocksdb::kZSTD;
  o.write_buffer_size = 32ull << 20;
  rocksdb::BlockBasedTableOptions t;
  t.block_size = opts.chunk_block_bytes;
  t.block_cache = std::move(cache);
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

rocksdb::ColumnFamilyOptions MetaCfOptions(std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::ColumnFamilyOptions o;
  o.compression = rocksdb::kSnappyCompression;
  o.write_buffer_size = 16ull << 20;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = std::move(cache);
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

bool ParseDayName(const std::string& name, int64_t* day) {
  if (name.rfind(kDayPrefix, 0) != 0 || name.size() != sizeof(kDayPrefix) - 1 + 8) return false;
  int y, m, d;
  if (std::sscanf(name.c_str() + sizeof(kDayPrefix) - 1, "%4d%2d%2d", &y, &m, &d) != 3) return false;
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  *day = sys_days(ymd).time_since_epoch().count();
  return true;
}

}  // namespace

int64_t ChunkStore::DayOf(int64_t t_ms) {
  int64_t q = t_ms / kDayMs;
  if (t_ms % kDayMs != 0 && t_ms < 0) --q;
  return q;
}

std::string ChunkStore::DayName(int64_t day) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{day}}};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%04d%02u%02u", kDayPrefix, static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Result<std::unique_ptr<ChunkStore>> ChunkStore::Open(const std::string& dir, const ChunkStoreOptions& opts,
                                                     const ChunkStoreOpenOptions& open) {
  std::unique_ptr<ChunkStore> s(new ChunkStore());
  s->dir_ = dir;
  s->opts_ = opts;
  s->cache_ = rocksdb::NewLRUCache(opts.block_cache_bytes);

  rocksdb::DBOptions dbo;
  if (opts.fs) {
    std::shared_ptr<rocksdb::FileSystem> rfs = opts.fs->ForRocksDB();
    if (rfs != rocksdb::FileSystem::Default()) {
      s->env_ = rocksdb::NewCompositeEnv(rfs);
      dbo.env = s->env_.get();
    }
  }
  // Counters only (no timers): they cost an atomic add per event.
  s->stats_ = rocksdb::CreateDBStatistics();
  s->stats_->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
  dbo.statistics = s->stats_;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  dbo.keep_log_file_num = 3;
  dbo.max_background_jobs = 2;
  dbo.max_total_wal_size = 256ull << 20;
  // Closed chunks and head states skip RocksDB's log (Cairn's WAL holds
  // their samples). Flushing column families one at a time could then make
  // a newer head state durable while the chunk it no longer holds is still
  // only in a memtable: a crash would lose that chunk, its WAL segments
  // already gone. Atomic flushes commit every family's memtable together.
  dbo.atomic_flush = true;
  // One memtable budget for all column families (many day partitions would
  // otherwise each grow their own write buffers).
  dbo.db_write_buffer_size = opts.memtable_budget_bytes;

  std::vector<std::string> names;
  rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(dbo, dir, &names);
  if (!ls.ok() && open.read_only) return FromRocks(ls, "open rocksdb " + dir);
  if (!ls.ok()) names = {rocksdb::kDefaultColumnFamilyName};
  if (!open.read_only) {
    for (const char* n : {kSeriesCf, kHeadCf}) {
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const std::string& n : names) {
    int64_t day;
    if (ParseDayName(n, &day)) {
      descs.emplace_back(n, ChunkCfOptions(opts, s->cache_));
    } else {
      descs.emplace_back(n, MetaCfOptions(s->cache_));
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  CAIRN_RETURN_IF_ERROR(FromRocks(open.read_only ? rocksdb::DB::OpenForReadOnly(dbo, dir, descs, &handles, &raw)
                                                 : rocksdb::DB::Open(dbo, dir, descs, &handles, &raw),
                                  "open rocksdb " + dir));
  s->db_.reset(raw);
  for (size_t i = 0; i < names.size(); ++i) {
    int64_t day;
    if (names[i] == rocksdb::kDefaultColumnFamilyName) {
      s->default_cf_ = handles[i];
    } else if (names[i] == kSeriesCf) {
      s->series_cf_ = handles[i];
    } else if (names[i] == kHeadCf) {
      s->head_cf_ = handles[i];
    } else if (ParseDayName(names[i], &day)) {
      s->days_[day] = handles[i];
      for (int64_t w = day * kDayMs; w < (day + 1) * kDayMs; w += kCompactionWindowMs) {
        s->xor_epochs_[w] = 1;  // unknown: compaction sweeps it once
      }
    } else {
      s->db_->DestroyColumnFamilyHandle(handles[i]).PermitUncheckedError();  // unknown family: leave its data alone
    }
  }
  if (s->series_cf_ == nullptr || s->head_cf_ == nullptr) return Status::Corruption(dir + ": not a Cairn database");
  return s;
}

ChunkStore::~ChunkStore() {
  if (!db_) return;
  for (auto& [day, h] : days_) db_->DestroyColumnFamilyHandle(h);
  for (auto* h : {series_cf_, head_cf_, default_cf_}) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
  }
  db_->Close().PermitUncheckedError();
}

Result<rocksdb::ColumnFamilyHandle*> ChunkStore::DayHandleLocked(int64_t day) {
  auto it = days_.find(day);
  if (it != days_.end()) return it->second;
  rocksdb::ColumnFamilyHandle* h = nullptr;
  CAIRN_RETURN_IF_ERROR(
      FromRocks(db_->CreateColumnFamily(ChunkCfOptions(opts_, cache_), DayName(day), &h), "create partition"));
  days_[day] = h;
  generation_.fetch_add(1);
  return h;
}

Status ChunkStore::Write(const WriteSet& ws, bool sync) { return Apply(ws, sync, /*logged=*/true); }

Status ChunkStore::WriteUnlogged(const WriteSet& ws) { return Apply(ws, /*sync=*/false, /*logged=*/false); }

Status ChunkStore::Apply(const WriteSet& ws, bool sync, bool logged) {
  if (ws.empty() && !sync) return Status::OK();
  {
    // Create missing partitions first (rare), then write under a shared lock
    // so retention cannot drop a handle mid-write.
    bool missing = false;
    {
      std::shared_lock<std::shared_mutex> lock(cf_mu_);
      for (const auto& c : ws.chunks) missing |= days_.count(DayOf(c.min_t_ms)) == 0;
    }
    if (missing) {
      std::unique_lock<std::shared_mutex> lock(cf_mu_);
      for (const auto& c : ws.chunks) {
        auto h = DayHandleLocked(DayOf(c.min_t_ms));
        if (!h.ok()) return h.status();
      }
    }
  }
  std::shared_lock<std::shared_mutex> lock(cf_mu_);
  rocksdb::WriteBatch batch;
  for (SeriesRef ref : ws.deleted_series) {
    std::string k;
    PutBE64(&k, ref);
    batch.Delete(series_cf_, k).PermitUncheckedError();
    batch.Delete(head_cf_, k).PermitUncheckedError();
  }
  for (const ChunkKeyRef& c : ws.deleted_chunks) {
    auto it = days_.find(DayOf(c.min_t_ms));
    if (it != days_.end()) batch.Delete(it->second, ChunkKey(c.ref, c.min_t_ms, c.id)).PermitUncheckedError();
  }
  for (const std::string& k : ws.deleted_meta) batch.Delete(default_cf_, k).PermitUncheckedError();
  for (const auto& [ref, labels] : ws.series) {
    std::string k;
    PutBE64(&k, ref);
    batch.Put(series_cf_, k, EncodeLabels(labels)).PermitUncheckedError();
  }
  for (const auto& [ref, state] : ws.heads) {
    std::string k;
    PutBE64(&k, ref);
    batch.Put(head_cf_, k, state).PermitUncheckedError();
  }
  for (const auto& c : ws.chunks) {
    auto it = days_.find(DayOf(c.min_t_ms));
    if (it == days_.end()) continue;  // dropped by retention meanwhile: expired data
    batch.Put(it->second, ChunkKey(c.ref, c.min_t_ms, c.id), EncodeChunkValue(c)).PermitUncheckedError();
  }
  for (const auto& [k, v] : ws.meta) batch.Put(default_cf_, k, v).PermitUncheckedError();
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  wo.disableWAL = !logged;
  wo.ignore_missing_column_families = true;
  rocksdb::Status rs = db_->Write(wo, &batch);
  if (rs.IsNoSpace() && TryResume()) rs = db_->Write(wo, &batch);
  Status st = FromRocks(rs, "rocksdb write");
  // After the write and before the caller drops the chunks from the head, so
  // a Reader that missed them in the head sees the bump and refreshes.
  if (st.ok() && (!ws.chunks.empty() || !ws.deleted_chunks.empty())) chunk_writes_.fetch_add(1);
  if (st.ok() && !ws.chunks.empty()) {
    std::lock_guard<std::mutex> epochs(xor_epochs_mu_);
    for (const auto& c : ws.chunks) {
      if (c.format == chunk::Format::kXor) ++xor_epochs_[WindowOf(c.min_t_ms)];
    }
  }
  return st;
}

// A write that failed for want of space leaves RocksDB stopped (its
// background error) until Resume(); writes resume by themselves once space
// is back. At most one attempt a second: Resume() retries a flush.
bool ChunkStore::TryResume() {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_resume_ms_.load();
  if (now - last < 1000 || !last_resume_ms_.compare_exchange_strong(last, now)) return false;
  return db_->Resume().ok();
}

Result<std::string> ChunkStore::GetMeta(const std::string& key) const {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), default_cf_, key, &v);
  if (s.IsNotFound()) return Status::NotFound(key);
  CAIRN_RETURN_IF_ERROR(FromRocks(s, "rocksdb get"));
  return v;
}

Status ChunkStore::ForEachMeta(const std::string& prefix,
                               const std::function<Status(std::string_view, std::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), default_cf_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    CAIRN_RETURN_IF_ERROR(fn(it->key().ToStringView(), it->value().ToStringView()));
  }
  return FromRocks(it->status(), "rocksdb scan");
}

Status ChunkStore::ForEachSeries(const std::function<Status(SeriesRef, Labels)>& fn) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, series_cf_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Labels ls;
    if (it->key().size() != 8 || !DecodeLabels(it->value().ToStringView(), &ls)) {
      return Status::Corruption("series column family: damaged entry");
    }
    CAIRN_RETURN_IF_ERROR(fn(GetBE64(it->key().data()), std::move(ls)));
  }
  return FromRocks(it->status(), "rocksdb scan series");
}

Status ChunkStore::ForEachHead(const std::function<Status(SeriesRef, std::string_view)>& fn) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, head_cf_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != 8) return Status::Corruption("head column family: damaged key");
    CAIRN_RETURN_IF_ERROR(fn(GetBE64(it->key().data()), it->value().ToStringView()));
  }
  return FromRocks(it->status(), "rocksdb scan head");
}

std::unique_ptr<ChunkStore::Reader> ChunkStore::NewReader(int64_t min_t_ms, int64_t max_t_ms) const {
  std::unique_ptr<Reader> r(new Reader());
  r->store_ = this;
  r->min_t_ms_ = min_t_ms;
  r->max_t_ms_ = max_t_ms;
  return r;
}

void ChunkStore::Reader::Rebuild() {
  iters_.clear();
  const int64_t lo = ReadFrom(min_t_ms_);
  const int64_t first = DayOf(lo), last = DayOf(max_t_ms_);
  std::shared_lock<std::shared_mutex> lock(store_->cf_mu_);
  generation_ = store_->generation_.load();
  chunk_writes_ = store_->chunk_writes_.load();
  for (auto it = store_->days_.lower_bound(first); it != store_->days_.end() && it->first <= last; ++it) {
    iters_.emplace_back(store_->db_->NewIterator(rocksdb::ReadOptions(), it->second));
  }
}

ChunkStore::Reader::~Reader() = default;

Status ChunkStore::Reader::Read(SeriesRef ref, std::vector<head::ChunkData>* out) {
  const int64_t lo = ReadFrom(min_t_ms_);
  const std::string start = ChunkKey(ref, lo, 0);
  if (generation_ != store_->generation_.load()) {
    Rebuild();
  } else if (const uint64_t writes = store_->chunk_writes_.load(); writes != chunk_writes_) {
    // Refreshing costs a new RocksDB super-version per iterator: only when a
    // chunk was written since this reader last looked, not once per series.
    chunk_writes_ = writes;
    for (auto& it : iters_) CAIRN_RETURN_IF_ERROR(FromRocks(it->Refresh(), "rocksdb refresh"));
  }
  for (auto& it : iters_) {
    for (it->Seek(start); it->Valid(); it->Next()) {
      const rocksdb::Slice k = it->key();
      if (k.size() != 24 || GetBE64(k.data()) != ref) break;
      const int64_t min_t = FromOrderedTime(GetBE64(k.data() + 8));
      if (min_t > max_t_ms_) break;
      uint64_t span;
      chunk::Format format;
      std::string_view data;
      if (!ParseChunkValue(it->value().ToStringView(), &span, &format, &data)) {
        return Status::Corruption("chunk value: damaged header");
      }
      const int64_t max_t = static_cast<int64_t>(static_cast<uint64_t>(min_t) + span);
      if (max_t < min_t_ms_) continue;
      out->push_back({min_t, max_t, std::string(data), format});
    }
    CAIRN_RETURN_IF_ERROR(FromRocks(it->status(), "rocksdb read chunks"));
  }
  return Status::OK();
}

bool ChunkStore::Reader::HasData(SeriesRef ref) {
  std::vector<head::ChunkData> chunks;
  return Read(ref, &chunks).ok() && !chunks.empty();
}

namespace {

// Parses one chunk entry; fills `damage` when the key or header is bad.
StoredChunk ParseChunk(int64_t day, const rocksdb::Slice& key, const rocksdb::Slice& value) {
  StoredChunk c;
  c.day = day;
  c.stored_bytes = key.size() + value.size();
  if (key.size() != 24) {
    c.damage = "chunk key of " + std::to_string(key.size()) + " bytes (want 24)";
    return c;
  }
  c.ref = GetBE64(key.data());
  c.min_t_ms = FromOrderedTime(GetBE64(key.data() + 8));
  c.id = GetBE64(key.data() + 16);
  uint64_t span;
  if (!ParseChunkValue(value.ToStringView(), &span, &c.format, &c.data)) {
    c.damage = "chunk value: damaged header (span or format)";
    return c;
  }
  c.max_t_ms = static_cast<int64_t>(static_cast<uint64_t>(c.min_t_ms) + span);
  return c;
}

}  // namespace

Status ChunkStore::ForEachChunkOf(SeriesRef ref, const std::function<Status(const StoredChunk&)>& fn) const {
  std::shared_lock<std::shared_mutex> lock(cf_mu_);
  std::string start;
  PutBE64(&start, ref);
  for (const auto& [day, h] : days_) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), h));
    for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
      StoredChunk c = ParseChunk(day, it->key(), it->value());
      if (!c.damage.empty()) return Status::Corruption("series " + std::to_string(ref) + ": " + c.damage);
      CAIRN_RETURN_IF_ERROR(fn(c));
    }
    CAIRN_RETURN_IF_ERROR(FromRocks(it->status(), "rocksdb read chunks"));
  }
  return Status::OK();
}

Status ChunkStore::ForEachChunkInRange(int64_t day, SeriesRef from_ref, int64_t lo_ms, int64_t hi_ms,
                                       const std::function<bool(const StoredChunk&)>& fn) const {
  std::shared_lock<std::shared_mutex> lock(cf_mu_);
  auto h = days_.find(day);
  if (h == days_.end()) return Status::OK();
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, h->second));
  it->Seek(ChunkKey(from_ref, lo_ms, 0));
  while (it->Valid()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != 24) {
      return Status::Corruption(DayName(day) + ": chunk key of " + std::to_string(k.size()) + " bytes");
    }
    const SeriesRef ref = GetBE64(k.data());
    const int64_t min_t = FromOrderedTime(GetBE64(k.data() + 8));
    if (min_t < lo_ms) {  // an earlier window of this series
      it->Seek(ChunkKey(ref, lo_ms, 0));
      continue;
    }
    if (min_t >= hi_ms) {  // past the range: on to the next series
      if (ref == UINT64_MAX) break;
      it->Seek(ChunkKey(ref + 1, lo_ms, 0));
      continue;
    }
    StoredChunk c = ParseChunk(day, k, it->value());
    if (!c.damage.empty()) return Status::Corruption(DayName(day) + ": " + c.damage);
    if (!fn(c)) break;
    it->Next();
  }
  return FromRocks(it->status(), "rocksdb scan " + DayName(day));
}

int64_t ChunkStore::ReadFrom(int64_t t_ms) {
  if (t_ms < INT64_MIN + kMaxChunkSpanMs) return INT64_MIN;
  // Not just the window's start: a query starting early in a window would
  // then read up to 6 h of XOR chunks it does not need.
  return std::min(t_ms - head::kChunkRangeMs + 1, WindowOf(t_ms));
}

int64_t ChunkStore::WindowOf(int64_t t_ms) {
  int64_t q = t_ms / kCompactionWindowMs;
  if (t_ms % kCompactionWindowMs != 0 && t_ms < 0) --q;
  return q * kCompactionWindowMs;
}

std::map<int64_t, uint64_t> ChunkStore::XorWriteEpochs() const {
  std::lock_guard<std::mutex> lock(xor_epochs_mu_);
  return xor_epochs_;
}

Status ChunkStore::ForEachChunk(const std::function<Status(const StoredChunk&)>& fn) const {
  std::shared_lock<std::shared_mutex> lock(cf_mu_);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  for (const auto& [day, h] : days_) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) CAIRN_RETURN_IF_ERROR(fn(ParseChunk(day, it->key(), it->value())));
    CAIRN_RETURN_IF_ERROR(FromRocks(it->status(), "rocksdb scan " + DayName(day)));
  }
  return Status::OK();
}

Status ChunkStore::VerifyChecksums() const {
  return FromRocks(db_->VerifyChecksum(), "rocksdb verify checksums");
}

Status ChunkStore::Compact() {
  CAIRN_RETURN_IF_ERROR(Flush());
  std::shared_lock<std::shared_mutex> lock(cf_mu_);
  std::vector<rocksdb::ColumnFamilyHandle*> all{default_cf_, series_cf_, head_cf_};
  for (const auto& [day, h] : days_) all.push_back(h);
  rocksdb::CompactRangeOptions co;
  // Rewrite the bottommost level too: that is where deleted chunks sit.
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (rocksdb::ColumnFamilyHandle* h : all) {
    CAIRN_RETURN_IF_ERROR(FromRocks(db_->CompactRange(co, h, nullptr, nullptr), "rocksdb compact"));
  }
  return Status::OK();
}

Status ChunkStore::CompactDay(int64_t day) {
  std::shared_lock<std::shared_mutex> lock(cf_mu_);
  auto it = days_.find(day);
  if (it == days_.end()) return Status::OK();
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  return FromRocks(db_->CompactRange(co, it->second, nullptr, nullptr), "rocksdb compact " + DayName(day));
}

uint64_t ChunkStore::EstimateSeries() const {
  uint64_t n = 0;
  db_->GetIntProperty(series_cf_, "rocksdb.estimate-num-keys", &n);
  return n;
}

std::vector<int64_t> ChunkStore::Days() const {
  std::shared_lock<std::shared_mutex> lock(cf_mu_);
  std::vector<int64_t> out;
  for (const auto& [day, h] : days_) out.push_back(day);
  return out;
}

Status ChunkStore::DropDay(int64_t day) {
  std::unique_lock<std::shared_mutex> lock(cf_mu_);
  auto it = days_.find(day);
  if (it == days_.end()) return Status::OK();
  rocksdb::ColumnFamilyHandle* h = it->second;
  days_.erase(it);
  generation_.fetch_add(1);
  {
    std::lock_guard<std::mutex> epochs(xor_epochs_mu_);
    xor_epochs_.erase(xor_epochs_.lower_bound(day * kDayMs), xor_epochs_.lower_bound((day + 1) * kDayMs));
  }
  Status st = FromRocks(db_->DropColumnFamily(h), "drop partition " + DayName(day));
  db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  return st;
}

uint64_t ChunkStore::DayBytes(int64_t day) const {
  std::shared_lock<std::shared_mutex> lock(cf_mu_);
  auto it = days_.find(day);
  uint64_t v = 0;
  if (it != days_.end()) db_->GetIntProperty(it->second, "rocksdb.total-sst-files-size", &v);
  return v;
}

uint64_t ChunkStore::DiskBytes() const {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    std::error_code ec2;
    if (e.is_regular_file(ec2)) total += e.file_size(ec2);
  }
  return total;
}

StoreWriteBytes ChunkStore::WriteBytes() const {
  StoreWriteBytes b;
  b.log = stats_->getTickerCount(rocksdb::WAL_FILE_BYTES);
  b.flush = stats_->getTickerCount(rocksdb::FLUSH_WRITE_BYTES);
  b.compaction = stats_->getTickerCount(rocksdb::COMPACT_WRITE_BYTES);
  return b;
}

Status ChunkStore::FlushMemtables() {
  std::shared_lock<std::shared_mutex> lock(cf_mu_);
  std::vector<rocksdb::ColumnFamilyHandle*> all{default_cf_, series_cf_, head_cf_};
  for (const auto& [day, h] : days_) all.push_back(h);
  rocksdb::FlushOptions fo;
  fo.wait = true;
  rocksdb::Status rs = db_->Flush(fo, all);
  if (rs.IsNoSpace() && TryResume()) rs = db_->Flush(fo, all);
  return FromRocks(rs, "rocksdb flush");
}

Status ChunkStore::Flush() {
  CAIRN_RETURN_IF_ERROR(FlushMemtables());
  return FromRocks(db_->FlushWAL(true), "rocksdb sync log");
}

Status ChunkStore::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* cp = nullptr;
  CAIRN_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &cp), "rocksdb checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> owned(cp);
  return FromRocks(cp->CreateCheckpoint(dir), "rocksdb checkpoint " + dir);
}

}  // namespace cairn::storage
