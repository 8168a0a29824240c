// Reading WAL segment files without owning the WAL: the record framing
// (crc32c | length | type | payload, storage/docs/format.md) and the segment
// file names. Wal::Replay uses it at startup; remote/'s WAL watcher uses it to
// tail segments the DB is still writing, where a record cut short is not
// damage but a write in progress.
// Thread-safety: pure functions (ListSegmentFiles reads the directory).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cairn::storage::wal {

enum class FrameStatus {
  kRecord,      // a whole record with a matching checksum
  kIncomplete,  // the bytes end inside the header or payload
  kCorrupt,     // whole, but the checksum does not match
};

struct Frame {
  uint8_t type = 0;
  std::string_view payload;  // points into the data passed to ReadFrame
  size_t size = 0;           // bytes the frame takes, header included
};

// Reads the frame at the start of `data`.
FrameStatus ReadFrame(std::string_view data, Frame* out);

// "<dir>/00000042".
std::string SegmentFileName(const std::string& dir, uint64_t segment);
// The segment number of a file name ("00000042" -> 42); false for names that
// are not all digits.
bool ParseSegmentName(std::string_view name, uint64_t* segment);

struct SegmentFile {
  uint64_t segment = 0;
  uint64_t bytes = 0;
};
// The segment files of `dir`, oldest first (names that are not all digits
// are skipped). A missing directory lists as empty.
Result<std::vector<SegmentFile>> ListSegmentFiles(const std::string& dir);

}  // namespace cairn::storage::wal
