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

#include "util/crc32c.h"

namespace cairn::storage::wal {
namespace {

constexpr size_t kHeaderBytes = 9;  // crc32c(4) | length(4) | type(1)

void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
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

std::string SegmentFilePath(const std::string& dir, uint64_t n) {
  char name[32];
  std::snprintf(name, sizeof(name), "%08llu", static_cast<unsigned long long>(n));
  return dir + "/" + name;
}

Result<std::vector<uint64_t>> ListSegmentFiles(const std::string& dir) {
  std::vector<uint64_t> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    out.push_back(std::stoull(name));
  }
  if (ec) return Status::IOError("list " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

bool SegmentReader::Next(uint8_t* type, std::string_view* payload) {
  if (pos_ >= data_.size() || !damage_.empty()) return false;
  if (data_.size() - pos_ < kHeaderBytes) {
    damage_ = "truncated record";
    return false;
  }
  const uint32_t len = GetFixed32(data_.data() + pos_ + 4);
  if (data_.size() - pos_ - kHeaderBytes < len) {
    damage_ = "truncated record";
    return false;
  }
  uint32_t crc = Crc32c(data_.substr(pos_ + 4, 5));
  crc = Crc32c(data_.substr(pos_ + kHeaderBytes, len), crc);
  if (crc != GetFixed32(data_.data() + pos_)) {
    damage_ = "record checksum mismatch";
    return false;
  }
  *type = static_cast<uint8_t>(data_[pos_ + 8]);
  *payload = data_.substr(pos_ + kHeaderBytes, len);
  pos_ += kHeaderBytes + len;
  return true;
}

std::string Wal::SegmentPath(uint64_t n) const { return SegmentFilePath(dir_, n); }

Result<std::vector<uint64_t>> Wal::ListSegments() const { return ListSegmentFiles(dir_); }

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
    SegmentReader reader(data);
    uint8_t type;
    std::string_view payload;
    while (reader.Next(&type, &payload)) CAIRN_RETURN_IF_ERROR(fn(type, payload));
    if (reader.damage().empty()) continue;
    const size_t pos = reader.offset();
    if (!last) {
      return Status::Corruption("wal: damaged record in segment " + path + " at offset " + std::to_string(pos));
    }
    // A crash mid-write: drop the torn tail so new segments follow clean data.
    if (::truncate(path.c_str(), static_cast<off_t>(pos)) != 0) return Errno("truncate " + path);
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
