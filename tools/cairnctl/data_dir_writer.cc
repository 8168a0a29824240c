#include "tools/cairnctl/data_dir_writer.h"

#include <fcntl.h>
#include <unistd.h>

namespace cairn::cairnctl {

int DataDirLockHolder(const std::string& dir) {
  const int fd = ::open((dir + "/db/LOCK").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return 0;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  const int rc = ::fcntl(fd, F_GETLK, &fl);
  ::close(fd);
  return rc == 0 && fl.l_type != F_UNLCK ? static_cast<int>(fl.l_pid) : 0;
}

Result<std::unique_ptr<DataDirWriter>> DataDirWriter::Open(const std::string& dir) {
  if (const int pid = DataDirLockHolder(dir); pid != 0) {
    return Status::Unavailable("data directory " + dir + " is in use by process " + std::to_string(pid) +
                                      " (a running server?): stop it first, or import into it with --url");
  }
  storage::DBOptions opts;
  opts.path = dir;
  opts.retention_ms = 0;
  opts.fsync = false;
  auto db = storage::DB::Open(opts, SystemClock::Default());
  if (!db.ok()) {
    // Lost a race with a server starting on the directory, or a lock we
    // could not inspect: RocksDB's own refusal says "lock".
    if (db.status().message().find("lock") != std::string::npos) {
      return Status::Unavailable("data directory " + dir +
                                        " is locked by another process (a running server?): " +
                                        db.status().message());
    }
    return db.status();
  }
  std::unique_ptr<DataDirWriter> w(new DataDirWriter());
  w->db_ = std::move(db).value();
  return w;
}

DataDirWriter::~DataDirWriter() {
  Status ignored = Close();
  (void)ignored;
}

Status DataDirWriter::Write(const std::vector<ImportSample>& batch) {
  auto app = db_->NewAppender();
  storage::SeriesRef ref = 0;
  const std::vector<std::pair<std::string, std::string>>* last = nullptr;
  storage::Labels labels;
  for (const ImportSample& s : batch) {
    if (last == nullptr || *last != s.labels) {
      std::vector<storage::Label> ls;
      ls.reserve(s.labels.size());
      for (const auto& l : s.labels) ls.push_back({l.first, l.second});
      CAIRN_RETURN_IF_ERROR(storage::Labels::Validate(ls));
      labels = storage::Labels::FromSorted(std::move(ls));
      last = &s.labels;
      ref = 0;
    }
    auto r = app->Append(ref, labels, s.t_ms, s.value);
    if (!r.ok()) return r.status();
    ref = *r;
  }
  return app->Commit();
}

Status DataDirWriter::Close() {
  if (db_ == nullptr) return Status::OK();
  Status st = db_->Close();
  db_.reset();
  return st;
}

}  // namespace cairn::cairnctl
