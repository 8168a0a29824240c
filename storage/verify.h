// Offline consistency check of a stopped server's data directory (cairnctl
// tsdb verify). Opens RocksDB read-only and checks:
//   - every SST block's checksum (RocksDB's CRC32C over each block, which
//     is what protects the stored chunk bytes),
//   - every chunk: its key, its span header, its XOR bytes decode to the
//     sample count of their header, timestamps ascend from the key's min
//     time to the header's max time, and it sits in its day's partition,
//   - every index entry: `series` entries decode to a valid, sorted label
//     set used by no other ref; chunks and head checkpoints name a known
//     series; head checkpoints and tombstone keys decode,
//   - every WAL record's length and CRC32C (wal::ReadFrame, the reader
//     replay uses), reported with its segment and byte offset. A record cut
//     short at the end of the newest segment is a torn write of a crash,
//     which the server truncates on start: noted, not damage.
// Damage is collected, not fatal: the report lists each problem found.
// Thread-safety: plain function.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "util/status.h"

namespace cairn::storage {

struct VerifyReport {
  uint64_t series_checked = 0;
  uint64_t chunks_checked = 0;
  uint64_t samples_checked = 0;
  uint64_t heads_checked = 0;
  uint64_t tombstones_checked = 0;
  uint64_t wal_segments_checked = 0;
  uint64_t wal_records_checked = 0;
  std::string wal_torn_tail;  // "segment S: truncated record at offset N" or ""
  std::vector<std::string> problems;  // empty when nothing is damaged
  // Problems beyond this many are counted but not listed.
  uint64_t problems_total = 0;
  bool ok() const { return problems_total == 0; }
};

// Fails only when the directory cannot be opened at all; damage found inside
// is in the report. `progress`, when set, gets the number of chunks checked.
Result<VerifyReport> Verify(const std::string& data_dir, const std::function<void(uint64_t)>& progress = {});

}  // namespace cairn::storage
