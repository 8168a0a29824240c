#include "storage/wal/segment_reader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "util/crc32c.h"

namespace cairn::storage::wal {
namespace {

constexpr size_t kHeaderBytes = 9;  // crc32c(4) | length(4) | type(1)

uint32_t GetFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

}  // namespace

FrameStatus ReadFrame(std::string_view data, Frame* out) {
  if (data.size() < kHeaderBytes) return FrameStatus::kIncomplete;
  const uint32_t len = GetFixed32(data.data() + 4);
  if (data.size() - kHeaderBytes < len) return FrameStatus::kIncomplete;
  uint32_t crc = Crc32c(data.substr(4, 5));
  crc = Crc32c(data.substr(kHeaderBytes, len), crc);
  if (crc != GetFixed32(data.data())) return FrameStatus::kCorrupt;
  out->type = static_cast<uint8_t>(data[8]);
  out->payload = data.substr(kHeaderBytes, len);
  out->size = kHeaderBytes + len;
  return FrameStatus::kRecord;
}

std::string SegmentFileName(const std::string& dir, uint64_t segment) {
  char name[32];
  std::snprintf(name, sizeof(name), "%08llu", static_cast<unsigned long long>(segment));
  return dir + "/" + name;
}

bool ParseSegmentName(std::string_view name, uint64_t* segment) {
  if (name.empty() || name.size() > 19 || !std::all_of(name.begin(), name.end(), ::isdigit)) return false;
  *segment = std::stoull(std::string(name));
  return true;
}

Result<std::vector<SegmentFile>> ListSegmentFiles(const std::string& dir) {
  std::vector<SegmentFile> out;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    uint64_t segment;
    if (!ParseSegmentName(name, &segment)) continue;
    std::error_code size_ec;
    const uint64_t bytes = e.file_size(size_ec);
    if (size_ec) continue;  // removed while listing
    out.push_back({segment, bytes});
  }
  if (ec) return Status::IOError("list " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const SegmentFile& a, const SegmentFile& b) { return a.segment < b.segment; });
  return out;
}

}  // namespace cairn::storage::wal
