#include "storage/wal/wal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/wal/segment_reader.h"
#include "util/crc32c.h"

namespace cairn::storage::wal {
namespace {

void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Errno("open " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::OK() : Errno("fsync " + dir);
}

}  // namespace

Wal::Wal(std::string dir, const WalOptions& opts) : dir_(std::move(dir)), opts_(opts) {}

Wal::~Wal() {
  if (fd_ >= 0) ::close(fd_);
}

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
  auto files = ListSegmentFiles(dir_);
  if (!files.ok()) return files.status();
  std::vector<uint64_t> out;
  for (const SegmentFile& f : *files) out.push_back(f.segment);
  return out;
}

Result<std::vector<SegmentFile>> Wal::Segments() const { return ListSegmentFiles(dir_); }

Result<std::unique_ptr<Wal>> Wal::Open(const std::string& dir, const WalOptions& opts) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir + ": " + ec.message());
  std::unique_ptr<Wal> w(new Wal(dir, opts));
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
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::IOError("open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string data = ss.str();
    size_t pos = 0;
    while (pos < data.size()) {
      Frame frame;
      if (ReadFrame(std::string_view(data).substr(pos), &frame) != FrameStatus::kRecord) {
        if (!last) {
          return Status::Corruption("wal: damaged record in segment " + path + " at offset " +
                                    std::to_string(pos));
        }
        // A crash mid-write: drop the torn tail so new segments follow clean data.
        if (::truncate(path.c_str(), static_cast<off_t>(pos)) != 0) return Errno("truncate " + path);
        break;
      }
      CAIRN_RETURN_IF_ERROR(fn(frame.type, frame.payload));
      pos += frame.size;
    }
  }
  return Status::OK();
}

Status Wal::OpenSegment(uint64_t n) {
  if (fd_ >= 0) {
    if (opts_.fsync && ::fdatasync(fd_) != 0) return Errno("fdatasync wal segment");
    ::close(fd_);
    fd_ = -1;
  }
  const std::string path = SegmentPath(n);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return Errno("create " + path);
  segment_ = n;
  segment_size_ = 0;
  if (opts_.fsync) return SyncDir(dir_);
  return Status::OK();
}

Status Wal::WriteAndSync(const std::string& buf) {
  if (fd_ < 0 || segment_size_ >= opts_.segment_bytes) CAIRN_RETURN_IF_ERROR(OpenSegment(segment_ + 1));
  size_t off = 0;
  while (off < buf.size()) {
    const ssize_t n = ::write(fd_, buf.data() + off, buf.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write wal segment");
    }
    off += static_cast<size_t>(n);
  }
  segment_size_ += buf.size();
  if (opts_.fsync) {
    const auto start = std::chrono::steady_clock::now();
    if (::fdatasync(fd_) != 0) return Errno("fdatasync wal segment");
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now() - start);
    fsyncs_total_.fetch_add(1, std::memory_order_relaxed);
    fsync_nanos_total_.fetch_add(static_cast<uint64_t>(ns.count()), std::memory_order_relaxed);
  }
  return Status::OK();
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
    std::string buf;
    buf.swap(pending_);
    const uint64_t upto = next_ticket_;
    lock.unlock();
    Status st = WriteAndSync(buf);
    lock.lock();
    busy_ = false;
    if (!st.ok() && error_.ok()) error_ = st;
    done_ticket_ = upto;
    cv_.notify_all();
  }
  return error_;
}

void Wal::Enqueue(const std::vector<WalRecord>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const WalRecord& r : records) EncodeRecord(r.type, r.payload, &pending_);
}

Result<uint64_t> Wal::Rotate() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !busy_; });
  if (!error_.ok()) return error_;
  busy_ = true;
  std::string buf;
  buf.swap(pending_);
  const uint64_t upto = next_ticket_;
  lock.unlock();
  Status st = buf.empty() ? Status::OK() : WriteAndSync(buf);
  if (st.ok()) st = OpenSegment(segment_ + 1);
  const uint64_t seg = segment_;
  lock.lock();
  busy_ = false;
  if (!st.ok() && error_.ok()) error_ = st;
  done_ticket_ = std::max(done_ticket_, upto);
  cv_.notify_all();
  if (!error_.ok()) return error_;
  return seg;
}

Status Wal::DeleteSegmentsBefore(uint64_t segment) {
  auto segs = ListSegments();
  if (!segs.ok()) return segs.status();
  for (uint64_t n : *segs) {
    if (n >= segment) break;
    std::error_code ec;
    std::filesystem::remove(SegmentPath(n), ec);
    if (ec) return Status::IOError("remove wal segment: " + ec.message());
  }
  return Status::OK();
}

uint64_t Wal::DiskBytes() const {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    std::error_code ec2;
    const auto sz = e.file_size(ec2);
    if (!ec2) total += sz;
  }
  return total;
}

}  // namespace cairn::storage::wal
