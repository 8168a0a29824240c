// DBAppender: the Appender of DB. Append resolves the series (creating and
// logging new ones), rejects a sample whose timestamp already holds another
// value in the head, and buffers the rest; Commit writes them as one WAL
// record, waits for the group-commit fsync, then applies them to the head.
// Thread-safety: one thread at a time (see storage/appender.h).
#pragma once

#include <vector>

#include "storage/db.h"
#include "storage/wal/records.h"

namespace cairn::storage {

class DBAppender final : public Appender {
 public:
  explicit DBAppender(DB* db) : db_(db) {}
  ~DBAppender() override { Rollback(); }

  Result<SeriesRef> Append(SeriesRef ref, const Labels& labels, int64_t t_ms, double v,
                           const AppendOptions& opts) override;
  // The index keeps a removed series' labels allocated, so the pointer
  // outlives this Appender.
  const Labels* SeriesLabels(SeriesRef ref) const override;
  Status UpdateMetadata(const std::string& metric_family, const Metadata& md) override;
  Status Commit() override;
  void Rollback() override;

 private:
  DB* db_;
  // Held from the first Append to Commit/Rollback: keeps the MemSeries
  // pointers in pending_ valid if CleanTombstones removes their series.
  head::SeriesReclaimer::Pin pin_;
  std::vector<DB::PendingSample> pending_;
  std::vector<wal::RefSample> records_;
};

}  // namespace cairn::storage
