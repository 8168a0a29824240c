// Compaction of closed chunks into dense blocks (storage/compactor.h): values
// read back bit for bit through the querier and through remote read's XOR
// transcoding (SelectChunks), out-of-order and overlapping chunks merge,
// deleted ranges leave the stored bytes, a data directory of XOR chunks only
// (as written before dense blocks) still reads, and a query running beside
// compaction sees every sample exactly once.
#include <atomic>
#include <bit>
#include <filesystem>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "storage/chunk/chunk_format.h"
#include "storage/chunk/xor_chunk.h"
#include "storage/chunk_store.h"
#include "storage/compactor.h"
#include "storage/db.h"
#include "tests/storage/db_fixture.h"
#include "storage/inspect.h"
#include "storage/verify.h"
#include "util/varint.h"

namespace cairn::storage {
namespace {

using namespace dbtest;  // NOLINT: the engine tests' shared fixture and constants

Labels Series(const std::string& name) { return Labels{{"__name__", name}, {"job", "a"}}; }

// Samples compared by value bits: NaN payloads, -0.0 and the stale marker
// must come back exactly.
using BitList = std::vector<std::pair<int64_t, uint64_t>>;
BitList Bits(const std::vector<Sample>& s) {
  BitList out;
  for (const Sample& x : s) out.emplace_back(x.t_ms, std::bit_cast<uint64_t>(x.v));
  return out;
}
double FromBits(uint64_t b) { return std::bit_cast<double>(b); }

// Values no codec may bend: NaNs with payloads, the stale marker, ±Inf, -0.0,
// denormals, huge counters, then short decimals and random doubles.
std::vector<double> AdversarialValues(size_t n, uint64_t seed) {
  const std::vector<double> special = {FromBits(0x7ff8000000000001ull),
                                       FromBits(0xfff8000000000abcull),
                                       FromBits(0x7ff0000000000002ull),
                                       std::numeric_limits<double>::infinity(),
                                       -std::numeric_limits<double>::infinity(),
                                       -0.0,
                                       0.0,
                                       FromBits(1),
                                       FromBits(0x000fffffffffffffull),
                                       std::numeric_limits<double>::denorm_min(),
                                       9007199254740993.0,
                                       std::numeric_limits<double>::max(),
                                       18446744073709551615.0,
                                       1e300,
                                       -1e-300};
  std::mt19937_64 rng(seed);
  std::vector<double> out;
  double counter = 1e15;
  for (size_t i = 0; i < n; ++i) {
    switch (rng() % 5) {
      case 0:
        out.push_back(special[rng() % special.size()]);
        break;
      case 1:
        counter += static_cast<double>(rng() % 100000);
        out.push_back(counter);
        break;
      case 2:
        out.push_back(static_cast<double>(static_cast<int64_t>(rng() % 200000) - 100000) / 100.0);
        break;
      case 3:
        out.push_back(FromBits(rng()));  // any bit pattern, NaNs included
        break;
      default:
        out.push_back(std::uniform_real_distribution<double>(-1e6, 1e6)(rng));
    }
  }
  return out;
}

class CompactionTest : public DBFixture {
 protected:
  // Remote read's path: XOR chunks only, none over samples_per_chunk.
  std::vector<Sample> ReadChunks(const Labels& ls, int64_t lo, int64_t hi) {
    Matchers ms;
    for (const Label& l : ls) ms.push_back(M(MatchType::kEqual, l.name, l.value));
    auto set = db_->SelectChunks(lo, hi, ms);
    EXPECT_TRUE(set.ok());
    std::vector<Sample> out;
    while ((*set)->Next()) {
      for (const EncodedChunk& c : (*set)->chunks()) {
        EXPECT_EQ(c.encoding, EncodedChunk::Encoding::kXOR);
        auto decoded = chunk::DecodeXor(c.data);
        EXPECT_TRUE(decoded.ok());
        EXPECT_LE(decoded->size(), static_cast<size_t>(opts_.samples_per_chunk));
        EXPECT_EQ(decoded->front().t_ms, c.min_t_ms);
        EXPECT_EQ(decoded->back().t_ms, c.max_t_ms);
        out.insert(out.end(), decoded->begin(), decoded->end());
      }
    }
    EXPECT_TRUE((*set)->status().ok());
    return out;
  }
  // Stored chunks by format, from the data directory (the DB closed).
  std::pair<uint64_t, uint64_t> XorAndDense() {
    auto r = Inspect(opts_.path);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    uint64_t dense = 0;
    for (const auto& p : r->partitions) dense += p.dense_blocks;
    return {r->chunks - dense, dense};
  }

};

std::vector<Sample> Scrapes(int64_t start, int64_t step, size_t n, const std::vector<double>& values,
                            uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Sample> out;
  for (size_t i = 0; i < n; ++i) {
    const int64_t jitter = static_cast<int64_t>(rng() % 11) - 5;  // ±5 ms around the grid
    out.push_back({start + static_cast<int64_t>(i) * step + jitter, values[i % values.size()]});
  }
  return out;
}

TEST_F(CompactionTest, AdversarialValuesRoundTripBitExact) {
  Open();
  // 15 h at 15 s: windows [0, 6 h) and [6 h, 12 h) are complete (the newest
  // sample is 2 h past their end); [12 h, 18 h) is not.
  const size_t n = 15 * 240;
  const auto samples = Scrapes(kT0 + 10, 15000, n, AdversarialValues(n, 7), 1);
  Add(Series("adv"), samples);
  auto st = db_->CompactChunks();
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->windows, 2u);
  EXPECT_EQ(st->blocks_out, 2u);
  EXPECT_EQ(st->samples_out, 12u * 240);
  EXPECT_EQ(st->samples_dropped, 0u);
  EXPECT_EQ(db_->Stats().dense_blocks_written_total, 2u);
  // Nothing left to do until something changes.
  EXPECT_EQ(db_->CompactChunks()->windows, 0u);

  EXPECT_EQ(Bits(Read(Series("adv"))), Bits(samples));
  EXPECT_EQ(Bits(ReadChunks(Series("adv"), INT64_MIN, INT64_MAX)), Bits(samples));
  // Windows starting inside a block (more than 2 h after its first sample)
  // and ending inside the next one.
  const int64_t lo = kT0 + 5 * kHour + 30000, hi = kT0 + 7 * kHour;
  std::vector<Sample> want;
  for (const Sample& s : samples) {
    if (s.t_ms >= lo && s.t_ms <= hi) want.push_back(s);
  }
  EXPECT_EQ(Bits(Read(Series("adv"), lo, hi)), Bits(want));
  EXPECT_EQ(Bits(ReadChunks(Series("adv"), lo, hi)), Bits(want));
  // One sample, found for the duplicate check too: same bits are accepted
  // silently, other bits conflict.
  const Sample mid = samples[2000];
  EXPECT_EQ(Bits(Read(Series("adv"), mid.t_ms, mid.t_ms)), Bits({mid}));
  {
    auto app = db_->NewAppender();
    EXPECT_TRUE(app->Append(0, Series("adv"), mid.t_ms, mid.v).ok());
    EXPECT_FALSE(app->Append(0, Series("adv"), mid.t_ms, 12345.5).ok());
  }

  ASSERT_TRUE(db_->Close().ok());
  EXPECT_EQ(XorAndDense().second, 2u);
  auto v = Verify(opts_.path);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems[0]);
  Open();
  EXPECT_EQ(Bits(Read(Series("adv"))), Bits(samples));
  EXPECT_EQ(Bits(ReadChunks(Series("adv"), INT64_MIN, INT64_MAX)), Bits(samples));
}

TEST_F(CompactionTest, RandomValuesOfManySeriesRoundTrip) {
  Open();
  std::vector<std::vector<Sample>> all;
  for (int s = 0; s < 20; ++s) {
    std::mt19937_64 rng(100 + s);
    std::vector<double> values;
    double v = 0;
    for (int i = 0; i < 3000; ++i) {
      v += s % 2 ? static_cast<double>(rng() % 1000) : std::normal_distribution<double>(0, 3)(rng);
      values.push_back(s % 3 == 0 ? std::round(v * 100) / 100 : v);
    }
    all.push_back(Scrapes(kT0 + s * 1000, 10000 + s * 1000, values.size(), values, s));
    Add(Series("r" + std::to_string(s)), all.back());
  }
  auto st = db_->CompactChunks();
  ASSERT_TRUE(st.ok());
  EXPECT_GT(st->windows, 20u);
  EXPECT_LT(st->bytes_out, st->bytes_in);
  for (int s = 0; s < 20; ++s) {
    EXPECT_EQ(Bits(Read(Series("r" + std::to_string(s)))), Bits(all[s])) << s;
    EXPECT_EQ(Bits(ReadChunks(Series("r" + std::to_string(s)), INT64_MIN, INT64_MAX)), Bits(all[s])) << s;
  }
}

TEST_F(CompactionTest, MergesOutOfOrderChunksAndLaterArrivals) {
  opts_.samples_per_chunk = 8;  // out-of-order chunks leave the head after 8 samples
  Open();
  std::map<int64_t, double> want;
  std::vector<Sample> in_order;
  for (int64_t t = kT0 + 60000; t < kT0 + 15 * kHour; t += 60000) {
    in_order.push_back({t, static_cast<double>(t / 1000)});
    want[t] = static_cast<double>(t / 1000);
  }
  Add(Series("m"), in_order);
  // Out-of-order samples between the scrapes of window 0, and exact
  // duplicates (same bits: accepted and dropped) of stored ones.
  std::vector<Sample> ooo;
  for (int i = 0; i < 40; ++i) {
    const int64_t t = kT0 + 60000 * (3 * i + 1) + 30000;
    ooo.push_back({t, -1.0 * i});
    want[t] = -1.0 * i;
    ooo.push_back({kT0 + 60000 * (3 * i + 2), static_cast<double>((kT0 + 60000 * (3 * i + 2)) / 1000)});
  }
  Add(Series("m"), ooo);
  std::vector<Sample> expect;
  for (const auto& [t, v] : want) expect.push_back({t, v});
  EXPECT_EQ(Bits(Read(Series("m"))), Bits(expect));

  auto st = db_->CompactChunks();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->windows, 2u);
  EXPECT_GT(st->chunks_in, 6 * 60 / 8u);  // in-order chunks of 8 plus the OOO ones
  EXPECT_EQ(Bits(Read(Series("m"))), Bits(expect));
  EXPECT_EQ(Bits(ReadChunks(Series("m"), INT64_MIN, INT64_MAX)), Bits(expect));

  // Late out-of-order data in a compacted window lands as XOR chunks; the
  // next pass merges them with the block.
  std::vector<Sample> late;
  for (int i = 0; i < 16; ++i) {
    const int64_t t = kT0 + 6 * kHour + 60000 * (2 * i + 1) + 5000;
    late.push_back({t, 0.25 * i});
    want[t] = 0.25 * i;
  }
  Add(Series("m"), late);
  expect.clear();
  for (const auto& [t, v] : want) expect.push_back({t, v});
  st = db_->CompactChunks();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->windows, 1u);
  EXPECT_EQ(st->chunks_in, 3u);  // the block and two 8-sample OOO chunks
  EXPECT_EQ(Bits(Read(Series("m"))), Bits(expect));
  ASSERT_TRUE(db_->Close().ok());
  const auto [xor_chunks, dense] = XorAndDense();
  EXPECT_EQ(dense, 2u);
  EXPECT_GT(xor_chunks, 0u);  // the incomplete window's
  Open();
  EXPECT_EQ(Bits(Read(Series("m"))), Bits(expect));
}

TEST_F(CompactionTest, DeletedRangesLeaveTheBlocks) {
  Open();
  std::vector<Sample> samples;
  for (int64_t t = kT0; t < kT0 + 15 * kHour; t += 15000)
    samples.push_back({t, static_cast<double>(t % 977)});
  Add(Series("d"), samples);
  ASSERT_TRUE(
      db_->DeleteSeries({M(MatchType::kEqual, "__name__", "d")}, kT0 + kHour, kT0 + 2 * kHour - 1).ok());
  ASSERT_TRUE(
      db_->DeleteSeries({M(MatchType::kEqual, "__name__", "d")}, kT0 + 6 * kHour, kT0 + 12 * kHour).ok());
  std::vector<Sample> kept;
  for (const Sample& s : samples) {
    if (!(s.t_ms >= kT0 + kHour && s.t_ms < kT0 + 2 * kHour) &&
        !(s.t_ms >= kT0 + 6 * kHour && s.t_ms <= kT0 + 12 * kHour)) {
      kept.push_back(s);
    }
  }
  auto st = db_->CompactChunks();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->windows, 2u);
  EXPECT_EQ(st->blocks_out, 1u);  // window 1 was deleted whole: no block
  EXPECT_EQ(st->samples_dropped, 240u + 6 * 240u);
  EXPECT_EQ(Bits(Read(Series("d"))), Bits(kept));
  ASSERT_TRUE(db_->Close().ok());
  // The stored samples no longer include the deleted ones.
  auto r = Inspect(opts_.path);
  ASSERT_TRUE(r.ok());
  // Window 0 less its deleted hour, then window 2's XOR chunks (its last
  // 120 samples are still the head's open chunk).
  EXPECT_EQ(r->samples, 5u * 240 + 3 * 240 - 120);
  Open();
  auto clean = db_->CleanTombstones();
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(Bits(Read(Series("d"))), Bits(kept));
}

TEST_F(CompactionTest, CleanTombstonesRewritesDenseBlocks) {
  Open();
  std::vector<Sample> samples;
  for (int64_t t = kT0; t < kT0 + 15 * kHour; t += 15000)
    samples.push_back({t, static_cast<double>(t % 977)});
  Add(Series("c"), samples);
  ASSERT_TRUE(db_->CompactChunks().ok());
  ASSERT_TRUE(db_->DeleteSeries({M(MatchType::kEqual, "__name__", "c")}, kT0, kT0 + 30 * 60000).ok());
  auto clean = db_->CleanTombstones();
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_EQ(clean->chunks_rewritten, 1u);
  EXPECT_EQ(clean->samples_removed, 121u);
  std::vector<Sample> kept(samples.begin() + 121, samples.end());
  EXPECT_EQ(Bits(Read(Series("c"))), Bits(kept));
  EXPECT_EQ(Bits(ReadChunks(Series("c"), INT64_MIN, INT64_MAX)), Bits(kept));
  ASSERT_TRUE(db_->Close().ok());
  auto v = Verify(opts_.path);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems[0]);
}

TEST_F(CompactionTest, XorOnlyDataDirStillReadsAndCompacts) {
  // Written as before dense blocks: compaction off, values in the old layout.
  opts_.dense_compaction = false;
  Open();
  std::vector<Sample> samples;
  for (int64_t t = kT0; t < kT0 + 15 * kHour; t += 30000) samples.push_back({t, t * 0.001});
  Add(Series("old"), samples);
  ASSERT_TRUE(db_->Close().ok());
  {
    auto store = ChunkStore::Open(opts_.path + "/db", {}, {.read_only = true});
    ASSERT_TRUE(store.ok());
    uint64_t chunks = 0;
    ASSERT_TRUE((*store)
                    ->ForEachChunk([&](const StoredChunk& c) {
                      EXPECT_EQ(c.format, chunk::Format::kXor);
                      std::string header;  // `uvarint span`, nothing more
                      PutUvarint(&header, static_cast<uint64_t>(c.max_t_ms - c.min_t_ms));
                      EXPECT_EQ(c.stored_bytes, 24 + header.size() + c.data.size());
                      ++chunks;
                      return Status::OK();
                    })
                    .ok());
    EXPECT_GT(chunks, 10u);
  }
  opts_.dense_compaction = true;
  Open();
  EXPECT_EQ(Bits(Read(Series("old"))), Bits(samples));
  auto st = db_->CompactChunks();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->windows, 2u);
  EXPECT_EQ(Bits(Read(Series("old"))), Bits(samples));
  ASSERT_TRUE(db_->Close().ok());
  EXPECT_EQ(XorAndDense().second, 2u);
}

TEST_F(CompactionTest, CloseCompactsWhatIsComplete) {
  Open();
  std::vector<Sample> samples;
  for (int64_t t = kT0; t < kT0 + 15 * kHour; t += 60000) samples.push_back({t, 1.5});
  Add(Series("z"), samples);
  ASSERT_TRUE(db_->Close().ok());
  EXPECT_EQ(XorAndDense().second, 2u);
  opts_.dense_compaction = false;
  Open();
  EXPECT_EQ(Bits(Read(Series("z"))), Bits(samples));
}

TEST_F(CompactionTest, QueriesBesideCompactionSeeEverySampleOnce) {
  opts_.compaction_windows_per_pass = 7;  // many small passes, each resuming the last
  Open();
  constexpr int kSeries = 60;
  std::vector<Sample> samples;
  for (int64_t t = kT0; t < kT0 + 15 * kHour; t += 30000)
    samples.push_back({t, static_cast<double>(t % 1000)});
  for (int s = 0; s < kSeries; ++s) Add(Labels{{"__name__", "q"}, {"i", std::to_string(s)}}, samples);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      for (const auto& [lo, hi] : std::vector<std::pair<int64_t, int64_t>>{
               {INT64_MIN, INT64_MAX}, {kT0 + 5 * kHour, kT0 + 7 * kHour}}) {
        size_t want = 0;
        for (const Sample& x : samples) want += x.t_ms >= lo && x.t_ms <= hi;
        auto q = db_->NewQuerier(lo, hi);
        auto set = (*q)->Select({}, {M(MatchType::kEqual, "__name__", "q")});
        int n = 0;
        while (set->Next()) {
          size_t got = 0;
          int64_t prev = INT64_MIN;
          for (auto it = set->At().Iterator(); it->Next();) {
            EXPECT_GT(it->At().t_ms, prev);
            prev = it->At().t_ms;
            ++got;
          }
          EXPECT_EQ(got, want);
          ++n;
        }
        EXPECT_EQ(n, kSeries);
      }
      reads.fetch_add(1);
    }
  });
  auto st = db_->CompactChunks();
  done = true;
  reader.join();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->windows, 2u * kSeries);
  EXPECT_GT(reads.load(), 0);
}

TEST_F(CompactionTest, ACompleteDayShrinksOnDisk) {
  Open();
  std::vector<Labels> series;
  std::vector<std::vector<Sample>> data;
  for (int s = 0; s < 40; ++s) {
    std::mt19937_64 rng(s);
    std::vector<Sample> samples;
    double counter = 0;
    for (int64_t t = kT0 + 1000 * s; t < kT0 + 27 * kHour; t += 15000) {
      counter += static_cast<double>(rng() % 50);
      samples.push_back({t, s % 2 ? counter : static_cast<double>(rng() % 1000) / 10});
    }
    series.push_back(Labels{{"__name__", "day"}, {"i", std::to_string(s)}});
    Add(series.back(), samples);
    data.push_back(std::move(samples));
  }
  ASSERT_TRUE(db_->Compact().ok());  // RocksDB's files hold only live XOR chunks
  const uint64_t xor_bytes = db_->Stats().disk_bytes;
  auto st = db_->CompactChunks();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->days_compacted, 1u);  // the first day is complete; the second is not
  EXPECT_EQ(st->windows, 40u * 4);
  ASSERT_TRUE(db_->Compact().ok());
  const uint64_t dense_bytes = db_->Stats().disk_bytes;
  EXPECT_LT(dense_bytes, xor_bytes * 3 / 4) << xor_bytes;
  for (size_t s = 0; s < series.size(); ++s) EXPECT_EQ(Bits(Read(series[s])), Bits(data[s])) << s;
}

// The merge rule, on chunks the engine would not write by itself: two
// chunks holding one timestamp with other bits. The one first in key order
// (min time, then id) stays: what queries returned before compaction.
TEST(CompactorTest, DuplicateTimestampKeepsTheFirstChunkInKeyOrder) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("cairn_compactor_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto store = ChunkStore::Open(dir.string(), {});
  ASSERT_TRUE(store.ok());
  const auto xor_of = [](const std::vector<Sample>& s) { return chunk::EncodeXor(s); };
  WriteSet ws;
  ws.chunks.push_back({1, kT0, kT0 + 3000, 0, xor_of({{kT0, 1}, {kT0 + 2000, 2}, {kT0 + 3000, 3}})});
  ws.chunks.push_back({1, kT0, kT0 + 2000, 5, xor_of({{kT0, 10}, {kT0 + 1000, 11}, {kT0 + 2000, 12}})});
  ws.chunks.push_back({1, kT0 + 1000, kT0 + 4000, 4, xor_of({{kT0 + 1000, 21}, {kT0 + 4000, 24}})});
  ASSERT_TRUE((*store)->Write(ws, false).ok());
  Compactor c(store->get(), [](SeriesRef) {
    return std::vector<std::pair<int64_t, int64_t>>{{kT0 + 4000, kT0 + 4000}};
  });
  auto st = c.RunPass(kT0 + 6 * kHour, 100);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->windows, 1u);
  EXPECT_EQ(st->samples_dropped, 4u);  // three duplicates and one deleted
  std::vector<Sample> got;
  ASSERT_TRUE((*store)
                  ->ForEachChunkOf(1,
                                   [&](const StoredChunk& sc) {
                                     EXPECT_EQ(sc.format, chunk::Format::kDense);
                                     EXPECT_EQ(sc.id, kDenseBlockIdBase);
                                     return chunk::AppendSamples(sc.format, sc.data, INT64_MIN, INT64_MAX,
                                                                 &got);
                                   })
                  .ok());
  EXPECT_EQ(Bits(got), Bits({{kT0, 1}, {kT0 + 1000, 11}, {kT0 + 2000, 2}, {kT0 + 3000, 3}}));
  // Nothing moved since: the next pass finds no work.
  EXPECT_EQ(c.RunPass(kT0 + 6 * kHour, 100)->windows, 0u);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cairn::storage
