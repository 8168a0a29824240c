#include "remote/wal_watcher.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "storage/wal/segment_reader.h"

namespace cairn::remote {
namespace wal = storage::wal;

WalWatcher::WalWatcher(std::string dir, WalHandler* handler, int poll_ms)
    : dir_(std::move(dir)), handler_(handler), poll_ms_(poll_ms) {}

WalPosition WalWatcher::EndOfWal(const std::string& dir) {
  auto segs = wal::ListSegmentFiles(dir);
  if (!segs.ok() || segs->empty()) return {};
  return {segs->back().segment, segs->back().bytes};
}

bool WalWatcher::Dispatch(uint8_t type, std::string_view payload, WalPosition end) {
  switch (static_cast<wal::RecordType>(type)) {
    case wal::RecordType::kSeries:
      series_buf_.clear();
      if (wal::DecodeSeries(payload, &series_buf_).ok()) handler_->OnSeries(series_buf_);
      series_records_.fetch_add(1, std::memory_order_relaxed);
      return true;
    case wal::RecordType::kSamples:
    case wal::RecordType::kSamplesZstd:
      samples_buf_.clear();
      sample_records_.fetch_add(1, std::memory_order_relaxed);
      if (!wal::DecodeSampleRecord(type, payload, &samples_buf_).ok()) return true;
      return handler_->OnSamples(samples_buf_, end);
  }
  return true;  // a record type this reader does not send
}

bool WalWatcher::ReadSegment(WalPosition* pos, bool* torn, std::stop_token stop) {
  *torn = false;
  const int fd = ::open(wal::SegmentFileName(dir_, pos->segment).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;  // deleted meanwhile: the caller moves on
  constexpr size_t kChunk = 4 << 20;
  std::string buf;  // bytes from pos->offset on, read but not yet consumed
  bool more = true;
  while (more && !stop.stop_requested()) {
    const size_t old = buf.size();
    buf.resize(old + kChunk);
    const ssize_t n = ::pread(fd, buf.data() + old, kChunk, static_cast<off_t>(pos->offset + old));
    buf.resize(old + static_cast<size_t>(n > 0 ? n : 0));
    more = n > 0;
    size_t used = 0;
    while (used < buf.size()) {
      wal::Frame frame;
      if (wal::ReadFrame(std::string_view(buf).substr(used), &frame) != wal::FrameStatus::kRecord) break;
      used += frame.size;
      if (!Dispatch(frame.type, frame.payload, {pos->segment, pos->offset + used})) {
        ::close(fd);
        return false;
      }
    }
    pos->offset += used;
    buf.erase(0, used);
  }
  ::close(fd);
  *torn = !buf.empty();
  return true;
}

void WalWatcher::Run(WalPosition from, std::stop_token stop) {
  WalPosition pos = from;
  while (!stop.stop_requested()) {
    // Listed before reading: a segment seen to have a successor here was
    // complete before the read below started (the WAL closes a segment
    // before it creates the next).
    auto segs = wal::ListSegmentFiles(dir_);
    bool present = false, newer = false;
    uint64_t next = 0;
    if (segs.ok()) {
      for (const wal::SegmentFile& f : *segs) {
        if (f.segment == pos.segment) present = true;
        if (f.segment > pos.segment && !newer) {
          newer = true;
          next = f.segment;
        }
      }
    }
    if (!present) {
      if (!newer) {
        handler_->OnIdle();
        std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms_));
        continue;
      }
      // Our segment is gone (deleted past the retention bound) or was never
      // written: read on from the next one.
      if (!(pos.segment == 0 && pos.offset == 0) && pos.segment < next && segs->front().segment > pos.segment) {
        segments_skipped_.fetch_add(1, std::memory_order_relaxed);
      }
      pos = {next, 0};
      continue;
    }
    current_segment_.store(pos.segment, std::memory_order_relaxed);
    bool torn = false;
    if (!ReadSegment(&pos, &torn, stop)) return;
    if (newer) {
      if (torn) segments_skipped_.fetch_add(1, std::memory_order_relaxed);  // damaged, and never rewritten
      pos = {next, 0};
      continue;
    }
    handler_->OnIdle();
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms_));
  }
}

}  // namespace cairn::remote
