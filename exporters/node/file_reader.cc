#include "exporters/node/file_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cairn::exporters::node {
namespace {
Status ErrnoStatus(const std::string& path, int err) {
  std::string msg = path + ": " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR) return Status::NotFound(std::move(msg));
  if (err == EOPNOTSUPP) return Status::Unsupported(std::move(msg));
  return Status::IOError(std::move(msg));
}
}  // namespace

Status ReadFileInto(const std::string& path, std::string& buf) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, errno);
  // /proc files report size 0, so grow from the last scrape's capacity.
  if (buf.capacity() < 4096) buf.reserve(4096);
  buf.resize(buf.capacity());
  size_t used = 0;
  for (;;) {
    if (used == buf.size()) buf.resize(buf.size() * 2);
    ssize_t n = ::read(fd, buf.data() + used, buf.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      buf.clear();
      return ErrnoStatus(path, err);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  buf.resize(used);
  return Status::OK();
}

}  // namespace cairn::exporters::node
