#include "storage/wal/wal.h"

#include <algorithm>
#include <chrono>

#include "storage/wal/segment_reader.h"
#include "util/crc32c.h"

namespace cairn::storage::wal {
namespace {

void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

Wal::Wal(std::string dir, const WalOptions& opts)
    : dir_(std::move(dir)), opts_(opts), fs_(opts.fs ? opts.fs : fs::DefaultFileSystem()) {}

Wal::~Wal() = default;

void Wal::EncodeRecord(uint8_t type, std::string_view payload, std::string* out) {
  std::string body;
  PutFixed32(&body, static_cast<uint32_t>(payload.size()));
  body.push_back(static_cast<char>(type));
  uint32_t crc = Crc32c(body);
  crc = Crc32c(payload, crc);
  PutFixed32(out, crc);
  out->append(body);
  out->append(payload);
}

std::string Wal::SegmentPath(uint64_t n) const { return SegmentFileName(dir_, n); }

Result<std::vector<uint64_t>> Wal::ListSegments() const {
  auto files = Segments();
  if (!files.ok()) return files.status();
  std::vector<uint64_t> out;
  for (const SegmentFile& f : *files) out.push_back(f.segment);
  return out;
}

Result<std::vector<SegmentFile>> Wal::Segments() const {
  auto entries = fs_->List(dir_);
  if (!entries.ok()) return entries.status();
  std::vector<SegmentFile> out;
  for (const fs::DirEntry& e : *entries) {
    uint64_t n;
    if (ParseSegmentName(e.name, &n)) out.push_back({n, e.bytes});
  }
  std::sort(out.begin(), out.end(), [](const SegmentFile& a, const SegmentFile& b) { return a.segment < b.segment; });
  return out;
}

Result<std::unique_ptr<Wal>> Wal::Open(const std::string& dir, const WalOptions& opts) {
  std::unique_ptr<Wal> w(new Wal(dir, opts));
  CAIRN_RETURN_IF_ERROR(w->fs_->CreateDirs(dir));
  auto segs = w->ListSegments();
  if (!segs.ok()) return segs.status();
  w->segment_ = segs->empty() ? 0 : segs->back();
  return w;
}

Status Wal::Replay(uint64_t from_segment,
                   const std::function<Status(uint8_t, std::string_view)>& fn) {
  auto segs = ListSegments();
  if (!segs.ok()) return segs.status();
  for (size_t i = 0; i < segs->size(); ++i) {
    const uint64_t n = (*segs)[i];
    if (n < from_segment) continue;
    const bool last = i + 1 == segs->size();
    const std::string path = SegmentPath(n);
    auto content = fs_->ReadFile(path);
    if (!content.ok()) return content.status();
    const std::string& data = *content;
    size_t pos = 0;
    while (pos < data.size()) {
      Frame frame;
      if (ReadFrame(std::string_view(data).substr(pos), &frame) != FrameStatus::kRecord) {
        if (!last) {
          return Status::Corruption("wal: damaged record in segment " + path + " at offset " +
                                    std::to_string(pos));
        }
        // A crash mid-write: drop the torn tail so new segments follow clean data.
        CAIRN_RETURN_IF_ERROR(fs_->Truncate(path, pos));
        break;
      }
      CAIRN_RETURN_IF_ERROR(fn(frame.type, frame.payload));
      pos += frame.size;
    }
  }
  return Status::OK();
}

Status Wal::OpenSegment(uint64_t n) {
  if (file_) {
    if (opts_.fsync) CAIRN_RETURN_IF_ERROR(file_->Sync());
    CAIRN_RETURN_IF_ERROR(file_->Close());
    file_.reset();
  }
  auto file = fs_->OpenForAppend(SegmentPath(n), /*truncate=*/true);
  if (!file.ok()) return file.status();
  file_ = std::move(file).value();
  segment_ = n;
  segment_size_ = 0;
  // The new entry must be durable before a record in it is acknowledged.
  if (opts_.fsync) return fs_->SyncDir(dir_);
  return Status::OK();
}

Status Wal::WriteAndSync(const std::string& buf) {
  if (!file_ || segment_size_ >= opts_.segment_bytes) CAIRN_RETURN_IF_ERROR(OpenSegment(segment_ + 1));
  CAIRN_RETURN_IF_ERROR(file_->Append(buf));
  segment_size_ += buf.size();
  bytes_written_total_.fetch_add(buf.size(), std::memory_order_relaxed);
  if (opts_.fsync) {
    const auto start = std::chrono::steady_clock::now();
    CAIRN_RETURN_IF_ERROR(file_->Sync());
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now() - start);
    fsyncs_total_.fetch_add(1, std::memory_order_relaxed);
    fsync_nanos_total_.fetch_add(static_cast<uint64_t>(ns.count()), std::memory_order_relaxed);
  }
  return Status::OK();
}

Status Wal::WriteBuffered(std::unique_lock<std::mutex>& lock) {
  std::string buf, enqueued;
  buf.swap(pending_);
  enqueued.swap(pending_enqueued_);
  const uint64_t first = done_ticket_ + 1;
  const uint64_t upto = next_ticket_;
  const uint64_t size_before = segment_size_;
  const uint64_t segment_before = segment_;
  lock.unlock();
  Status st = buf.empty() ? Status::OK() : WriteAndSync(buf);
  Status undo;
  if (st.code() == StatusCode::kUnavailable && file_ && segment_ == segment_before) {
    // Out of space: cut what part of the batch reached the segment, so the
    // next write follows clean records.
    undo = fs_->Truncate(SegmentPath(segment_), size_before);
    segment_size_ = size_before;
  }
  lock.lock();
  done_ticket_ = std::max(done_ticket_, upto);
  if (st.ok()) return st;
  if (st.code() != StatusCode::kUnavailable || !undo.ok()) {
    if (error_.ok()) error_ = undo.ok() ? st : undo;
    return error_;
  }
  // The callers of Log() in this batch fail and retry; records queued by
  // Enqueue (new series) have no caller to retry them and go out first
  // with the next batch.
  pending_ = enqueued + pending_;
  pending_enqueued_ = enqueued + pending_enqueued_;
  if (first <= upto) failed_batches_.push_back({{first, upto}, st});
  if (failed_batches_.size() > 64) failed_batches_.erase(failed_batches_.begin());
  return st;
}

Status Wal::Log(const std::vector<WalRecord>& records) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!error_.ok()) return error_;
  for (const WalRecord& r : records) EncodeRecord(r.type, r.payload, &pending_);
  const uint64_t ticket = ++next_ticket_;
  while (done_ticket_ < ticket) {
    if (busy_) {
      cv_.wait(lock);
      continue;
    }
    // Become the leader for everything buffered so far.
    busy_ = true;
    WriteBuffered(lock).ok();  // each caller looks up its batch's outcome below
    busy_ = false;
    cv_.notify_all();
  }
  if (!error_.ok()) return error_;
  for (const auto& [tickets, st] : failed_batches_) {
    if (tickets.first <= ticket && ticket <= tickets.second) return st;
  }
  return Status::OK();
}

void Wal::Enqueue(const std::vector<WalRecord>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const WalRecord& r : records) {
    EncodeRecord(r.type, r.payload, &pending_);
    EncodeRecord(r.type, r.payload, &pending_enqueued_);
  }
}

Result<uint64_t> Wal::Rotate() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !busy_; });
  if (!error_.ok()) return error_;
  busy_ = true;
  Status st = WriteBuffered(lock);
  if (st.ok()) {
    lock.unlock();
    st = OpenSegment(segment_ + 1);
    lock.lock();
    // A full disk leaves the WAL usable: the caller retries the rotation.
    if (!st.ok() && st.code() != StatusCode::kUnavailable && error_.ok()) error_ = st;
  }
  const uint64_t seg = segment_;
  busy_ = false;
  cv_.notify_all();
  if (!st.ok()) return st;
  return seg;
}

Status Wal::DeleteSegmentsBefore(uint64_t segment) {
  auto segs = ListSegments();
  if (!segs.ok()) return segs.status();
  for (uint64_t n : *segs) {
    if (n >= segment) break;
    // Not synced: a removal a power cut undoes leaves a segment older than
    // the checkpoint's replay start, which recovery skips.
    CAIRN_RETURN_IF_ERROR(fs_->Remove(SegmentPath(n)));
  }
  return Status::OK();
}

uint64_t Wal::DiskBytes() const {
  uint64_t total = 0;
  auto entries = fs_->List(dir_);
  if (!entries.ok()) return 0;
  for (const fs::DirEntry& e : *entries) total += e.bytes;
  return total;
}

}  // namespace cairn::storage::wal
