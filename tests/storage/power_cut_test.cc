// Power cuts through the file-system seam (storage/fs): the DB runs on a
// FaultFileSystem, the power is cut at a chosen filesystem operation, the
// files are put in the state a real power cut leaves (everything unsynced
// lost), and the reopened DB must hold every acknowledged sample and nothing
// that was never written. Then the same tests without fsync must fail, so
// the suite proves they can.
#include <unistd.h>

#include <atomic>
#include <bit>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "storage/db.h"
#include "tests/storage/fault_fs.h"

namespace cairn::storage {
namespace {

using testing::FaultFileSystem;

constexpr int64_t kDay = 24 * 3600 * 1000;
constexpr int64_t kT0 = 1'764'000'000'000 - 1'764'000'000'000 % kDay + 6 * 3600 * 1000;

Labels Series(int s) { return Labels{{"__name__", "pc"}, {"job", std::to_string(s)}}; }

Matcher M(const std::string& n, const std::string& v) { return *Matcher::Make(MatchType::kEqual, n, v); }

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

using Key = std::pair<int, int64_t>;  // (series, timestamp)

struct Deletion {
  int series;
  int64_t min_t_ms, max_t_ms;
  bool Covers(const Key& k) const { return k.first == series && k.second >= min_t_ms && k.second <= max_t_ms; }
};

// What a run wrote: everything it tried, and what the DB acknowledged.
struct Outcome {
  std::map<Key, double> attempted, acked;
  std::vector<Deletion> deletions_attempted, deletions_acked;
  uint64_t ops_after_open = 0;  // file-system operations DB::Open took
};

class PowerCutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_power_cut_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    opts_.path = dir_.string();
    opts_.background_poll_ms = 0;
    opts_.samples_per_chunk = 4;    // chunks close and move to RocksDB during the script
    opts_.wal_segment_bytes = 256;  // and WAL segments rotate
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The scripted sequence: open, 12 commits over 2-3 series (one created
  // mid-run) with out-of-order samples, checkpoints every 4 commits, a
  // deletion, a clean close. Once the file system froze, every step fails;
  // the script carries on, recording only what was acknowledged.
  void RunScript(const DBOptions& opts, FaultFileSystem& fault, Outcome* out) {
    auto db = DB::Open(opts, clock_);
    out->ops_after_open = fault.ops();
    if (!db.ok()) return;
    for (int step = 0; step < 12; ++step) {
      std::vector<std::tuple<int, int64_t, double>> batch;
      for (int s = 0; s < (step < 6 ? 2 : 3); ++s) {
        for (int k = 0; k < 3; ++k) batch.emplace_back(s, kT0 + (step * 3 + k) * 1000, step * 100 + s * 10 + k + 0.25);
      }
      if (step % 4 == 3) batch.emplace_back(0, kT0 - 1000 * step, -step - 0.5);  // out of order
      auto app = (*db)->NewAppender();
      bool ok = true;
      for (const auto& [s, t, v] : batch) {
        out->attempted[{s, t}] = v;
        ok = ok && app->Append(0, Series(s), t, v).ok();
      }
      if (ok && app->Commit().ok()) {
        for (const auto& [s, t, v] : batch) out->acked[{s, t}] = v;
      }
      if (step % 4 == 1) (*db)->Checkpoint().ok();  // may fail after the cut
      if (step == 8) {
        const Deletion d{1, kT0 + 3000, kT0 + 5999};
        out->deletions_attempted.push_back(d);
        if ((*db)->DeleteSeries({M("job", "1")}, d.min_t_ms, d.max_t_ms).ok()) out->deletions_acked.push_back(d);
      }
    }
    (*db)->Close().ok();
  }

  // Reopens on the surviving files and compares with `o`. Returns the
  // problems found (empty: all good); `lost` counts acknowledged samples
  // missing.
  std::vector<std::string> Check(const Outcome& o, int* lost = nullptr) {
    std::vector<std::string> problems;
    DBOptions plain = opts_;
    plain.fs = std::make_shared<FaultFileSystem>();  // no cut: only spares the real fsyncs
    auto db = DB::Open(plain, clock_);
    if (!db.ok()) return {"reopen failed: " + db.status().ToString()};
    auto q = (*db)->NewQuerier(INT64_MIN, INT64_MAX);
    if (!q.ok()) return {"querier: " + q.status().ToString()};
    auto set = (*q)->Select({}, {M("__name__", "pc")});
    std::map<Key, double> got;
    while (set->Next()) {
      const int s = std::stoi(std::string(set->At().labels().Get("job")));
      for (auto it = set->At().Iterator(); it->Next();) got[{s, it->At().t_ms}] = it->At().v;
    }
    if (!set->status().ok()) problems.push_back("select: " + set->status().ToString());
    auto covered = [](const std::vector<Deletion>& ds, const Key& k) {
      for (const Deletion& d : ds)
        if (d.Covers(k)) return true;
      return false;
    };
    int missing = 0;
    for (const auto& [k, v] : o.acked) {
      if (covered(o.deletions_attempted, k)) continue;  // a deletion may have landed
      auto it = got.find(k);
      if (it == got.end()) {
        ++missing;
        problems.push_back("acknowledged sample lost: series " + std::to_string(k.first) + " t " + std::to_string(k.second));
      } else if (Bits(it->second) != Bits(v)) {
        problems.push_back("acknowledged sample changed: series " + std::to_string(k.first) + " t " +
                           std::to_string(k.second));
      }
    }
    for (const auto& [k, v] : got) {
      auto it = o.attempted.find(k);
      if (it == o.attempted.end() || Bits(it->second) != Bits(v)) {
        problems.push_back("sample never written: series " + std::to_string(k.first) + " t " + std::to_string(k.second));
      } else if (covered(o.deletions_acked, k)) {
        problems.push_back("deleted sample back: series " + std::to_string(k.first) + " t " + std::to_string(k.second));
      }
    }
    if (lost != nullptr) *lost = missing;
    return problems;
  }

  // Runs the script once per filesystem operation, cutting power right
  // before it; `setup` adjusts the fault file system of each run. Returns
  // the cuts after which Check found problems (cut index -> first problem).
  // `teeth_mode` starts after DB::Open (a fresh database has nothing to lose
  // yet) and stops at the first problem.
  std::map<uint64_t, std::string> CutAtEveryOperation(const std::function<void(FaultFileSystem&)>& setup,
                                                      bool teeth_mode, uint64_t* ops_total) {
    uint64_t total = 0, first = 0;
    {
      auto fault = std::make_shared<FaultFileSystem>();
      setup(*fault);
      DBOptions o = opts_;
      o.fs = fault;
      Outcome out;
      RunScript(o, *fault, &out);
      total = fault->ops();
      if (teeth_mode) first = out.ops_after_open;
      std::filesystem::remove_all(dir_);
    }
    if (ops_total != nullptr) *ops_total = total;
    std::map<uint64_t, std::string> failures;
    for (uint64_t cut = first; cut <= total; ++cut) {
      auto fault = std::make_shared<FaultFileSystem>();
      setup(*fault);
      fault->FreezeAfter(cut);
      DBOptions o = opts_;
      o.fs = fault;
      Outcome out;
      RunScript(o, *fault, &out);
      EXPECT_TRUE(fault->PowerCut().ok());
      const auto problems = Check(out);
      std::filesystem::remove_all(dir_);
      if (!problems.empty()) {
        failures[cut] = problems.front() + (problems.size() > 1 ? " (+" + std::to_string(problems.size() - 1) + " more)" : "");
        if (teeth_mode) break;
      }
    }
    return failures;
  }

  std::filesystem::path dir_;
  DBOptions opts_;
  ManualClock clock_{kT0};
};

TEST_F(PowerCutTest, ScriptedRunSurvivesAPowerCutAtEveryOperation) {
  uint64_t ops = 0;
  const auto failures = CutAtEveryOperation([](FaultFileSystem&) {}, false, &ops);
  // The script reaches Cairn's WAL and RocksDB's files: many operations.
  EXPECT_GT(ops, 100u);
  for (const auto& [cut, problem] : failures) ADD_FAILURE() << "power cut after " << cut << " of " << ops << " operations: " << problem;
  std::printf("power cuts checked: %llu\n", static_cast<unsigned long long>(ops + 1));
}

// The same run without a clean ending checks the test itself: the final state
// holds every acknowledged sample without any cut.
TEST_F(PowerCutTest, CheckAcceptsARunWithoutACut) {
  auto fault = std::make_shared<FaultFileSystem>();
  DBOptions o = opts_;
  o.fs = fault;
  Outcome out;
  RunScript(o, *fault, &out);
  EXPECT_EQ(out.acked.size(), out.attempted.size());
  EXPECT_EQ(out.deletions_acked.size(), 1u);
  ASSERT_TRUE(fault->PowerCut().ok());
  EXPECT_EQ(Check(out), std::vector<std::string>{});
}

// Teeth: with the WAL's fsync off (DBOptions::fsync = false), some cut loses
// acknowledged samples, and the check says so.
TEST_F(PowerCutTest, WithoutTheWalFsyncACutLosesAcknowledgedSamples) {
  opts_.fsync = false;
  const auto failures = CutAtEveryOperation([](FaultFileSystem&) {}, true, nullptr);
  ASSERT_FALSE(failures.empty()) << "no power cut lost an acknowledged sample without fsync";
  std::printf("without fsync, cut %llu: %s\n", static_cast<unsigned long long>(failures.begin()->first),
              failures.begin()->second.c_str());
}

// Teeth through the seam: the WAL still calls Sync, but the file system's
// sync of WAL segments does nothing.
TEST_F(PowerCutTest, WithWalSyncsIgnoredByTheFileSystemACutLosesAcknowledgedSamples) {
  const auto failures = CutAtEveryOperation([](FaultFileSystem& f) { f.IgnoreFileSyncs("/wal/"); }, true, nullptr);
  ASSERT_FALSE(failures.empty()) << "no power cut lost an acknowledged sample with WAL syncs ignored";
  std::printf("WAL syncs ignored, cut %llu: %s\n", static_cast<unsigned long long>(failures.begin()->first),
              failures.begin()->second.c_str());
}

// Teeth: a new WAL segment whose directory entry is never synced vanishes.
TEST_F(PowerCutTest, WithDirectorySyncsIgnoredACutLosesAcknowledgedSamples) {
  const auto failures = CutAtEveryOperation([](FaultFileSystem& f) { f.IgnoreDirSyncs(true); }, true, nullptr);
  ASSERT_FALSE(failures.empty()) << "no power cut lost anything with directory syncs ignored";
  std::printf("directory syncs ignored, cut %llu: %s\n", static_cast<unsigned long long>(failures.begin()->first),
              failures.begin()->second.c_str());
}

// Teeth for RocksDB's log: tombstones and the checkpoint's wal_replay_from
// are synced RocksDB writes; if RocksDB's log syncs do nothing, a cut loses
// an acknowledged deletion (or replays from a segment the checkpoint
// already deleted).
TEST_F(PowerCutTest, WithRocksDBLogSyncsIgnoredACutLosesAcknowledgedSamples) {
  const auto failures = CutAtEveryOperation([](FaultFileSystem& f) { f.IgnoreFileSyncs(".log"); }, true, nullptr);
  ASSERT_FALSE(failures.empty()) << "no power cut lost anything with RocksDB's log syncs ignored";
  std::printf("RocksDB log syncs ignored, cut %llu: %s\n", static_cast<unsigned long long>(failures.begin()->first),
              failures.begin()->second.c_str());
}

// Teeth for the checkpoint's ordering: closed chunks and head states skip
// RocksDB's log, and WAL segments are deleted only after the checkpoint's
// memtable flush. If the flushed SSTs' syncs do nothing, a cut after a
// checkpoint (once the next segment's directory sync made the deletion
// durable) loses what the deleted segments held.
TEST_F(PowerCutTest, WithRocksDBTableSyncsIgnoredACutLosesAcknowledgedSamples) {
  const auto failures = CutAtEveryOperation([](FaultFileSystem& f) { f.IgnoreFileSyncs(".sst"); }, true, nullptr);
  ASSERT_FALSE(failures.empty()) << "no power cut lost anything with RocksDB's SST syncs ignored";
  std::printf("RocksDB SST syncs ignored, cut %llu: %s\n", static_cast<unsigned long long>(failures.begin()->first),
              failures.begin()->second.c_str());
}

// A snapshot is durable once Snapshot returns: cut the power right after it
// and the snapshot opens with every sample committed before it.
TEST_F(PowerCutTest, SnapshotSurvivesAPowerCutRightAfterIt) {
  auto fault = std::make_shared<FaultFileSystem>();
  DBOptions o = opts_;
  o.fs = fault;
  Outcome out;
  RunScript(o, *fault, &out);  // closes the DB
  const std::string snap = dir_.string() + "_snap";
  std::filesystem::remove_all(snap);
  {
    auto db = DB::Open(o, clock_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto app = (*db)->NewAppender();
    ASSERT_TRUE(app->Append(0, Series(0), kT0 + 3'600'000, 7.5).ok());
    ASSERT_TRUE(app->Commit().ok());
    out.attempted[{0, kT0 + 3'600'000}] = out.acked[{0, kT0 + 3'600'000}] = 7.5;
    ASSERT_TRUE((*db)->Snapshot(snap).ok());
    fault->Freeze();
  }
  ASSERT_TRUE(fault->PowerCut().ok());
  std::filesystem::remove_all(dir_);
  std::filesystem::rename(snap, dir_);
  EXPECT_EQ(Check(out), std::vector<std::string>{});
}

// I/O errors instead of a cut: every 5th operation in turn fails once with ENOSPC
// (the run goes on), then power is cut after the close. An error may fail a
// commit or a checkpoint, but never loses what was acknowledged.
TEST_F(PowerCutTest, AnOperationFailingWithENOSPCLosesNoAcknowledgedSample) {
  uint64_t total = 0;
  {
    auto fault = std::make_shared<FaultFileSystem>();
    DBOptions o = opts_;
    o.fs = fault;
    Outcome out;
    RunScript(o, *fault, &out);
    total = fault->ops();
    std::filesystem::remove_all(dir_);
  }
  int failed_commits_seen = 0;
  for (uint64_t n = 1; n <= total; n += 5) {
    auto fault = std::make_shared<FaultFileSystem>();
    fault->FailNth(n, "ENOSPC");
    DBOptions o = opts_;
    o.fs = fault;
    Outcome out;
    RunScript(o, *fault, &out);
    if (out.acked.size() < out.attempted.size()) ++failed_commits_seen;
    ASSERT_TRUE(fault->PowerCut().ok());
    const auto problems = Check(out);
    std::filesystem::remove_all(dir_);
    for (const std::string& p : problems) ADD_FAILURE() << "ENOSPC at operation " << n << ": " << p;
  }
  EXPECT_GT(failed_commits_seen, 0);  // the errors did reach commits
}

// Six writers commit concurrently while background checkpoints run; the power
// is cut at a random operation chosen by `seed`; the DB reopens on what
// survived. Each writer commits sample i at kT0 + i s with value i, and every
// 5th commit also an out-of-order sample at kT0 - 1 - i with value -i.
struct SixWritersRun {
  uint64_t cut = 0;            // the operation the power was cut at
  uint64_t checkpoints = 0;    // before the cut
  bool cut_happened = false;   // false: the writers finished first
  int64_t acked = 0;           // acknowledged commits
  int64_t lost = 0;            // acknowledged samples missing after the restart
  std::vector<std::string> garbage;  // samples read back that were never written
};

void RunSixWriters(const DBOptions& base, ManualClock& clock, uint32_t seed, SixWritersRun* run) {
  constexpr int kWriters = 6;
  std::mt19937 rng(seed);
  auto fault = std::make_shared<FaultFileSystem>();
  DBOptions o = base;
  o.fs = fault;
  auto db = DB::Open(o, clock);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  run->cut = fault->ops() + 300 + rng() % 3000;
  fault->FreezeAfter(run->cut - fault->ops());
  std::vector<std::atomic<int64_t>> acked(kWriters);
  for (auto& a : acked) a = -1;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto app = (*db)->NewAppender();
      for (int64_t i = 0; i < 100'000; ++i) {
        bool ok = app->Append(0, Series(w), kT0 + i * 1000, static_cast<double>(i)).ok();
        if (ok && i % 5 == 0) ok = app->Append(0, Series(w), kT0 - 1 - i, -static_cast<double>(i)).ok();
        if (!ok || !app->Commit().ok()) return;
        acked[w] = i;
      }
    });
  }
  for (auto& t : threads) t.join();
  run->cut_happened = fault->frozen();
  run->checkpoints = (*db)->Stats().checkpoints_total;
  db->reset();
  ASSERT_TRUE(fault->PowerCut().ok());

  DBOptions plain = base;
  plain.fs = std::make_shared<FaultFileSystem>();  // no cut: only spares the real fsyncs
  plain.background_poll_ms = 0;
  auto reopened = DB::Open(plain, clock);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  for (int w = 0; w < kWriters; ++w) {
    auto q = (*reopened)->NewQuerier(INT64_MIN, INT64_MAX);
    ASSERT_TRUE(q.ok());
    auto set = (*q)->Select({}, {M("__name__", "pc"), M("job", std::to_string(w))});
    std::map<int64_t, double> got;
    while (set->Next()) {
      for (auto it = set->At().Iterator(); it->Next();) got[it->At().t_ms] = it->At().v;
    }
    ASSERT_TRUE(set->status().ok());
    for (const auto& [t, v] : got) {
      const double want = t >= kT0 ? static_cast<double>((t - kT0) / 1000) : -static_cast<double>(kT0 - 1 - t);
      if (Bits(v) != Bits(want)) run->garbage.push_back("writer " + std::to_string(w) + " t " + std::to_string(t));
    }
    const int64_t n = acked[w];
    run->acked += n + 1;
    for (int64_t i = 0; i <= n; ++i) {
      run->lost += got.count(kT0 + i * 1000) == 0;
      if (i % 5 == 0) run->lost += got.count(kT0 - 1 - i) == 0;
    }
  }
}

void SixWritersOptions(DBOptions* o) {
  o->background_poll_ms = 2;
  o->checkpoint_wal_bytes = 8192;
  o->wal_segment_bytes = 4096;
  o->samples_per_chunk = 20;
}

// Every sample a writer saw acknowledged reads back after the cut (3 seeds).
TEST_F(PowerCutTest, SixConcurrentWritersKeepEveryAcknowledgedSample) {
  SixWritersOptions(&opts_);
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SixWritersRun run;
    RunSixWriters(opts_, clock_, seed, &run);
    ASSERT_TRUE(run.cut_happened) << "the writers finished before the cut";
    EXPECT_GT(run.checkpoints, 0u);  // WAL segments were rotated and deleted meanwhile
    EXPECT_EQ(run.lost, 0) << "of " << run.acked << " acknowledged commits";
    EXPECT_EQ(run.garbage, std::vector<std::string>{});
    std::printf("seed %u: cut at operation %llu after %llu checkpoints, %lld acknowledged commits, %lld lost\n",
                seed, static_cast<unsigned long long>(run.cut), static_cast<unsigned long long>(run.checkpoints),
                static_cast<long long>(run.acked), static_cast<long long>(run.lost));
    std::filesystem::remove_all(dir_);
  }
}

// Teeth: the same run with the WAL's fsync off loses acknowledged samples.
TEST_F(PowerCutTest, SixConcurrentWritersWithoutFsyncLoseAcknowledgedSamples) {
  SixWritersOptions(&opts_);
  opts_.fsync = false;
  int64_t lost = 0;
  for (uint32_t seed : {1u, 2u, 3u}) {
    SixWritersRun run;
    RunSixWriters(opts_, clock_, seed, &run);
    ASSERT_TRUE(run.cut_happened);
    EXPECT_EQ(run.garbage, std::vector<std::string>{});  // lost, but never torn into garbage
    std::printf("without fsync, seed %u: %lld of %lld acknowledged commits' samples lost\n", seed,
                static_cast<long long>(run.lost), static_cast<long long>(run.acked));
    lost += run.lost;
    std::filesystem::remove_all(dir_);
  }
  EXPECT_GT(lost, 0);
}

}  // namespace
}  // namespace cairn::storage
