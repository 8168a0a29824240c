// DefaultFileSystem: FileSystem over POSIX calls, used in production.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <rocksdb/file_system.h>

#include "storage/fs/file_system.h"

namespace cairn::storage::fs {
namespace {

// A full disk (or quota) is Unavailable: it passes once space is freed, and
// the write path answers 503 so that senders retry (FileSystem's contract).
Status Errno(const std::string& what) {
  const int e = errno;
  std::string msg = what + ": " + std::strerror(e);
  if (e == ENOSPC || e == EDQUOT) return Status::Unavailable(msg);
  return Status::IOError(msg);
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + off, data.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write " + path_);
      }
      off += static_cast<size_t>(n);
    }
    return Status::OK();
  }

  Status Sync() override { return ::fdatasync(fd_) == 0 ? Status::OK() : Errno("fdatasync " + path_); }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? Status::OK() : Errno("close " + path_);
  }

 private:
  const std::string path_;
  int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path, bool truncate) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
    if (fd < 0) return Errno("open " + path);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }

  Result<std::string> ReadFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("open " + path);
    std::string out;
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR) continue;
        const Status st = Errno("read " + path);
        ::close(fd);
        return st;
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  Status Truncate(const std::string& path, uint64_t bytes) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Errno("open " + path);
    Status st;
    if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
      st = Errno("truncate " + path);
    } else if (::fsync(fd) != 0) {
      st = Errno("fsync " + path);
    }
    ::close(fd);
    return st;
  }

  Status Rename(const std::string& from, const std::string& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? Status::OK() : Errno("rename " + from + " to " + to);
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) == 0 || errno == ENOENT) return Status::OK();
    return Errno("remove " + path);
  }

  Status CreateDirs(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return ec ? Status::IOError("create " + dir + ": " + ec.message()) : Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno("open " + dir);
    const int rc = ::fsync(fd);
    ::close(fd);
    return rc == 0 ? Status::OK() : Errno("fsync " + dir);
  }

  Result<std::vector<DirEntry>> List(const std::string& dir) override {
    std::vector<DirEntry> out;
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec == std::errc::no_such_file_or_directory) return out;
    for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      std::error_code size_ec;
      if (!it->is_regular_file(size_ec)) continue;
      const uint64_t bytes = it->file_size(size_ec);
      if (size_ec) continue;  // removed while listing
      out.push_back({it->path().filename().string(), bytes});
    }
    if (ec) return Status::IOError("list " + dir + ": " + ec.message());
    return out;
  }

  std::shared_ptr<rocksdb::FileSystem> ForRocksDB() override { return rocksdb::FileSystem::Default(); }
};

}  // namespace

std::shared_ptr<FileSystem> DefaultFileSystem() {
  static const std::shared_ptr<FileSystem> fs = std::make_shared<PosixFileSystem>();
  return fs;
}

std::string DirName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace cairn::storage::fs
