#include "tests/storage/fault_fs.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <rocksdb/file_system.h>
#include <rocksdb/io_status.h>

namespace cairn::storage::testing {
namespace {

std::string Normal(const std::string& path) {
  std::string p = std::filesystem::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// RocksDB's info log ("LOG", "LOG.old.<n>"): written at RocksDB's whim.
bool IsInfoLog(const std::string& path) {
  return std::filesystem::path(path).filename().string().rfind("LOG", 0) == 0;
}

Status WriteWhole(const std::string& path, const std::string& content) {
  auto f = fs::DefaultFileSystem()->OpenForAppend(path, true);
  if (!f.ok()) return f.status();
  CAIRN_RETURN_IF_ERROR((*f)->Append(content));
  return (*f)->Close();
}

rocksdb::IOStatus ToRocks(const Status& st) {
  return st.ok() ? rocksdb::IOStatus::OK() : rocksdb::IOStatus::IOError(st.message());
}

}  // namespace

// ---- Cairn's files --------------------------------------------------------

namespace {

class FaultWritableFile final : public fs::WritableFile {
 public:
  FaultWritableFile(FaultFileSystem* owner, std::string path, std::unique_ptr<fs::WritableFile> real)
      : owner_(owner), path_(std::move(path)), real_(std::move(real)) {}
  Status Append(std::string_view data) override;
  Status Sync() override;
  Status Close() override { return real_->Close(); }

  FaultFileSystem* owner_;
  std::string path_;
  std::unique_ptr<fs::WritableFile> real_;
};

}  // namespace

// The adapter classes reach the owner's bookkeeping through this friend.
struct FaultFileSystem::Rocks {
  static std::mutex& Mu(FaultFileSystem* o) { return o->mu_; }
  static Status Admit(FaultFileSystem* o, const std::string& p) { return o->Admit(p); }
  static void Opened(FaultFileSystem* o, const std::string& p, bool existed, bool truncate) {
    o->NoteOpened(p, existed, truncate);
  }
  static void Appended(FaultFileSystem* o, const std::string& p, uint64_t n) { o->NoteAppended(p, n); }
  static void WroteUpTo(FaultFileSystem* o, const std::string& p, uint64_t end) {
    auto& st = o->files_[p];
    st.size = std::max(st.size, end);
  }
  static void Truncated(FaultFileSystem* o, const std::string& p, uint64_t size) {
    auto& st = o->files_[p];
    st.size = size;
    st.synced = std::min(st.synced, size);
  }
  static bool IgnoreSync(FaultFileSystem* o, const std::string& p) {
    return !o->ignore_sync_substr_.empty() && p.find(o->ignore_sync_substr_) != std::string::npos;
  }
  static void Synced(FaultFileSystem* o, const std::string& p) { o->files_[p].synced = o->files_[p].size; }
  static bool IgnoreDirSync(FaultFileSystem* o) { return o->ignore_dir_syncs_; }
  static void DirSynced(FaultFileSystem* o, const std::string& d) { o->NoteDirSynced(d); }
  static void Removed(FaultFileSystem* o, const std::string& p) { o->NoteRemoved(p); }
  static void Renamed(FaultFileSystem* o, const std::string& f, const std::string& t) { o->NoteRenamed(f, t); }
  static bool Frozen(FaultFileSystem* o) { return o->frozen_; }

  class File;
  class Dir;
  class FS;
};

namespace {

Status FaultWritableFile::Append(std::string_view data) {
  std::lock_guard<std::mutex> lock(FaultFileSystem::Rocks::Mu(owner_));
  CAIRN_RETURN_IF_ERROR(FaultFileSystem::Rocks::Admit(owner_, path_));
  CAIRN_RETURN_IF_ERROR(real_->Append(data));
  FaultFileSystem::Rocks::Appended(owner_, path_, data.size());
  return Status::OK();
}

Status FaultWritableFile::Sync() {
  std::lock_guard<std::mutex> lock(FaultFileSystem::Rocks::Mu(owner_));
  CAIRN_RETURN_IF_ERROR(FaultFileSystem::Rocks::Admit(owner_, path_));
  if (FaultFileSystem::Rocks::IgnoreSync(owner_, path_)) return Status::OK();
  FaultFileSystem::Rocks::Synced(owner_, path_);  // no real fsync: see fault_fs.h
  return Status::OK();
}

}  // namespace

// ---- RocksDB's files ------------------------------------------------------

class FaultFileSystem::Rocks::File final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  File(FaultFileSystem* o, std::string path, std::unique_ptr<rocksdb::FSWritableFile> t)
      : FSWritableFileOwnerWrapper(std::move(t)), o_(o), path_(std::move(path)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& opts,
                           rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, path_); !st.ok()) return ToRocks(st);
    rocksdb::IOStatus s = target()->Append(data, opts, dbg);
    if (s.ok()) Appended(o_, path_, data.size());
    return s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& opts,
                           const rocksdb::DataVerificationInfo& info, rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, path_); !st.ok()) return ToRocks(st);
    rocksdb::IOStatus s = target()->Append(data, opts, info, dbg);
    if (s.ok()) Appended(o_, path_, data.size());
    return s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const rocksdb::IOOptions& opts,
                                     rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, path_); !st.ok()) return ToRocks(st);
    rocksdb::IOStatus s = target()->PositionedAppend(data, offset, opts, dbg);
    if (s.ok()) WroteUpTo(o_, path_, offset + data.size());
    return s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const rocksdb::IOOptions& opts,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, path_); !st.ok()) return ToRocks(st);
    rocksdb::IOStatus s = target()->PositionedAppend(data, offset, opts, info, dbg);
    if (s.ok()) WroteUpTo(o_, path_, offset + data.size());
    return s;
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& opts, rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, path_); !st.ok()) return ToRocks(st);
    rocksdb::IOStatus s = target()->Truncate(size, opts, dbg);
    if (s.ok()) Truncated(o_, path_, size);
    return s;
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override { return DoSync(); }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override { return DoSync(); }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions& opts,
                              rocksdb::IODebugContext* dbg) override {
    // sync_file_range promises nothing durable: it moves no synced mark.
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Frozen(o_)) return rocksdb::IOStatus::IOError("power cut (fault injection)");
    return target()->RangeSync(offset, nbytes, opts, dbg);
  }

 private:
  rocksdb::IOStatus DoSync() {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, path_); !st.ok()) return ToRocks(st);
    if (IgnoreSync(o_, path_)) return rocksdb::IOStatus::OK();
    Synced(o_, path_);  // no real fsync: see fault_fs.h
    return rocksdb::IOStatus::OK();
  }

  FaultFileSystem* o_;
  const std::string path_;
};

class FaultFileSystem::Rocks::Dir final : public rocksdb::FSDirectoryWrapper {
 public:
  Dir(FaultFileSystem* o, std::string dir, std::unique_ptr<rocksdb::FSDirectory> t)
      : FSDirectoryWrapper(std::move(t)), o_(o), dir_(std::move(dir)) {}
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override { return DoSync(); }
  rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions&, rocksdb::IODebugContext*,
                                        const rocksdb::DirFsyncOptions&) override {
    return DoSync();
  }

 private:
  rocksdb::IOStatus DoSync() {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, dir_); !st.ok()) return ToRocks(st);
    if (!IgnoreDirSync(o_)) DirSynced(o_, dir_);  // no real fsync: see fault_fs.h
    return rocksdb::IOStatus::OK();
  }

  FaultFileSystem* o_;
  const std::string dir_;
};

class FaultFileSystem::Rocks::FS final : public rocksdb::FileSystemWrapper {
 public:
  explicit FS(FaultFileSystem* o) : FileSystemWrapper(rocksdb::FileSystem::Default()), o_(o) {}
  const char* Name() const override { return "CairnFaultFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& fo,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    return Open(f, /*truncate=*/true, [&] { return target()->NewWritableFile(f, fo, r, dbg); }, r);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& fo,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override {
    return Open(f, /*truncate=*/false, [&] { return target()->ReopenWritableFile(f, fo, r, dbg); }, r);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string&, const std::string&, const rocksdb::FileOptions&,
                                      std::unique_ptr<rocksdb::FSWritableFile>*, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("recycled log files are not simulated");
  }
  rocksdb::IOStatus NewRandomRWFile(const std::string&, const rocksdb::FileOptions&,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>*, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("random-write files are not simulated");
  }
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& io,
                                 std::unique_ptr<rocksdb::FSDirectory>* r, rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSDirectory> real;
    rocksdb::IOStatus s = target()->NewDirectory(name, io, &real, dbg);
    if (s.ok()) *r = std::make_unique<Dir>(o_, Normal(name), std::move(real));
    return s;
  }
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& io,
                               rocksdb::IODebugContext* dbg) override {
    const std::string p = Normal(f);
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, p); !st.ok()) return ToRocks(st);
    if (!Exists(p)) return target()->DeleteFile(f, io, dbg);
    Removed(o_, p);  // saves the durable content before it goes
    return target()->DeleteFile(f, io, dbg);
  }
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to, const rocksdb::IOOptions& io,
                               rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, Normal(to)); !st.ok()) return ToRocks(st);
    // Bookkeeping reads the old target, so it runs before the rename.
    Renamed(o_, Normal(from), Normal(to));
    return target()->RenameFile(from, to, io, dbg);
  }
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to, const rocksdb::IOOptions& io,
                             rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, Normal(to)); !st.ok()) return ToRocks(st);
    rocksdb::IOStatus s = target()->LinkFile(from, to, io, dbg);
    if (s.ok()) Opened(o_, Normal(to), /*existed=*/false, /*truncate=*/false);
    return s;
  }
  rocksdb::IOStatus Truncate(const std::string& f, size_t size, const rocksdb::IOOptions& io,
                             rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, Normal(f)); !st.ok()) return ToRocks(st);
    rocksdb::IOStatus s = target()->Truncate(f, size, io, dbg);
    if (s.ok()) Truncated(o_, Normal(f), size);
    return s;
  }
  rocksdb::IOStatus CreateDir(const std::string& d, const rocksdb::IOOptions& io,
                              rocksdb::IODebugContext* dbg) override {
    if (Frozen(o_)) return rocksdb::IOStatus::IOError("power cut (fault injection)");
    return target()->CreateDir(d, io, dbg);
  }
  rocksdb::IOStatus CreateDirIfMissing(const std::string& d, const rocksdb::IOOptions& io,
                                       rocksdb::IODebugContext* dbg) override {
    if (Frozen(o_)) return rocksdb::IOStatus::IOError("power cut (fault injection)");
    return target()->CreateDirIfMissing(d, io, dbg);
  }

 private:
  template <typename Fn>
  rocksdb::IOStatus Open(const std::string& f, bool truncate, Fn&& fn, std::unique_ptr<rocksdb::FSWritableFile>* r) {
    const std::string p = Normal(f);
    std::lock_guard<std::mutex> lock(Mu(o_));
    if (Status st = Admit(o_, p); !st.ok()) return ToRocks(st);
    const bool existed = Exists(p);
    rocksdb::IOStatus s = fn();
    if (!s.ok()) return s;
    Opened(o_, p, existed, truncate);
    *r = std::make_unique<File>(o_, p, std::move(*r));
    return s;
  }

  FaultFileSystem* o_;
};

// ---- FaultFileSystem ------------------------------------------------------

FaultFileSystem::FaultFileSystem() : rocks_(std::make_shared<Rocks::FS>(this)) {}
FaultFileSystem::~FaultFileSystem() = default;

std::shared_ptr<rocksdb::FileSystem> FaultFileSystem::ForRocksDB() { return rocks_; }

Status FaultFileSystem::Admit(const std::string& path) {
  if (frozen_) return Status::IOError("power cut (fault injection)");
  if (IsInfoLog(path)) return Status::OK();
  ++ops_;
  const bool fail_here = ops_ == fail_at_ ||
                         (fail_countdown_ > 0 && path.find(fail_path_) != std::string::npos && --fail_countdown_ == 0);
  if (fail_here) {
    fail_at_ = 0;
    // A full disk is Unavailable, as from the POSIX file system.
    if (fail_error_ == "ENOSPC") return Status::Unavailable("No space left on device (fault injection)");
    return Status::IOError(fail_error_ + " (fault injection)");
  }
  if (ops_ > freeze_at_) {
    frozen_ = true;
    return Status::IOError("power cut (fault injection)");
  }
  return Status::OK();
}

std::string FaultFileSystem::DurableContent(const std::string& path) const {
  auto content = fs::DefaultFileSystem()->ReadFile(path);
  if (!content.ok()) return "";
  auto it = files_.find(path);
  if (it != files_.end() && content->size() > it->second.synced) content->resize(it->second.synced);
  return std::move(content).value();
}

void FaultFileSystem::NoteOpened(const std::string& path, bool existed, bool truncate) {
  if (!existed) pending_.push_back({EntryOp::kCreate, fs::DirName(path), path, "", false, ""});
  if (!existed || truncate) {
    files_[path] = FileState{};
  } else if (files_.find(path) == files_.end()) {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    files_[path] = FileState{ec ? 0 : size, ec ? 0 : size};
  }
}

void FaultFileSystem::NoteAppended(const std::string& path, uint64_t bytes) { files_[path].size += bytes; }

void FaultFileSystem::NoteRemoved(const std::string& path) {
  pending_.push_back({EntryOp::kRemove, fs::DirName(path), path, "", true, DurableContent(path)});
  files_.erase(path);
}

void FaultFileSystem::NoteRenamed(const std::string& from, const std::string& to) {
  const bool had_old = Exists(to);
  pending_.push_back({EntryOp::kRename, fs::DirName(to), to, from, had_old, had_old ? DurableContent(to) : ""});
  auto it = files_.find(from);
  if (it != files_.end()) {
    files_[to] = it->second;
    files_.erase(from);
  } else {
    files_.erase(to);  // untracked: durable as it is
  }
}

void FaultFileSystem::NoteDirSynced(const std::string& dir) {
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [&](const PendingEntry& e) {
                                  // A rename is durable once both directories are synced;
                                  // Cairn and RocksDB rename within one directory.
                                  return e.dir == dir && (e.op != EntryOp::kRename || fs::DirName(e.from) == dir);
                                }),
                 pending_.end());
}

Result<std::unique_ptr<fs::WritableFile>> FaultFileSystem::OpenForAppend(const std::string& path, bool truncate) {
  const std::string p = Normal(path);
  std::lock_guard<std::mutex> lock(mu_);
  CAIRN_RETURN_IF_ERROR(Admit(p));
  const bool existed = Exists(p);
  auto real = fs::DefaultFileSystem()->OpenForAppend(p, truncate);
  if (!real.ok()) return real.status();
  NoteOpened(p, existed, truncate);
  return std::unique_ptr<fs::WritableFile>(new FaultWritableFile(this, p, std::move(real).value()));
}

Result<std::string> FaultFileSystem::ReadFile(const std::string& path) {
  return fs::DefaultFileSystem()->ReadFile(path);
}

Status FaultFileSystem::Truncate(const std::string& path, uint64_t bytes) {
  const std::string p = Normal(path);
  std::lock_guard<std::mutex> lock(mu_);
  CAIRN_RETURN_IF_ERROR(Admit(p));
  CAIRN_RETURN_IF_ERROR(fs::DefaultFileSystem()->Truncate(p, bytes));
  auto it = files_.find(p);
  if (it != files_.end()) it->second = FileState{bytes, bytes};  // durable on return
  return Status::OK();
}

Status FaultFileSystem::Rename(const std::string& from, const std::string& to) {
  const std::string f = Normal(from), t = Normal(to);
  std::lock_guard<std::mutex> lock(mu_);
  CAIRN_RETURN_IF_ERROR(Admit(t));
  if (!Exists(f)) return fs::DefaultFileSystem()->Rename(f, t);  // fails as it would
  NoteRenamed(f, t);
  return fs::DefaultFileSystem()->Rename(f, t);
}

Status FaultFileSystem::Remove(const std::string& path) {
  const std::string p = Normal(path);
  std::lock_guard<std::mutex> lock(mu_);
  CAIRN_RETURN_IF_ERROR(Admit(p));
  if (!Exists(p)) return Status::OK();
  NoteRemoved(p);
  return fs::DefaultFileSystem()->Remove(p);
}

Status FaultFileSystem::CreateDirs(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  if (frozen_) return Status::IOError("power cut (fault injection)");
  return fs::DefaultFileSystem()->CreateDirs(dir);
}

Status FaultFileSystem::SyncDir(const std::string& dir) {
  const std::string d = Normal(dir);
  std::lock_guard<std::mutex> lock(mu_);
  CAIRN_RETURN_IF_ERROR(Admit(d));
  if (!ignore_dir_syncs_) NoteDirSynced(d);  // no real fsync: see fault_fs.h
  return Status::OK();
}

Result<std::vector<fs::DirEntry>> FaultFileSystem::List(const std::string& dir) {
  return fs::DefaultFileSystem()->List(dir);
}

void FaultFileSystem::Freeze() {
  std::lock_guard<std::mutex> lock(mu_);
  frozen_ = true;
}

void FaultFileSystem::FreezeAfter(uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  freeze_at_ = ops_ + n;
}

bool FaultFileSystem::frozen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return frozen_;
}

uint64_t FaultFileSystem::ops() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ops_;
}

void FaultFileSystem::FailNth(uint64_t n, std::string error) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_at_ = ops_ + n;
  fail_error_ = std::move(error);
}

void FaultFileSystem::FailNthOn(uint64_t n, std::string error, std::string path_substr) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_countdown_ = n;
  fail_path_ = std::move(path_substr);
  fail_error_ = std::move(error);
}

void FaultFileSystem::IgnoreFileSyncs(std::string substr) {
  std::lock_guard<std::mutex> lock(mu_);
  ignore_sync_substr_ = std::move(substr);
}

void FaultFileSystem::IgnoreDirSyncs(bool ignore) {
  std::lock_guard<std::mutex> lock(mu_);
  ignore_dir_syncs_ = ignore;
}

Status FaultFileSystem::PowerCut(bool thaw) {
  std::lock_guard<std::mutex> lock(mu_);
  frozen_ = true;
  // Unsynced bytes go first: every file back to what was synced of it.
  for (const auto& [path, st] : files_) {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (ec || size <= st.synced) continue;
    if (::truncate(path.c_str(), static_cast<off_t>(st.synced)) != 0) {
      return Status::IOError("power cut: truncate " + path);
    }
  }
  // Then unsynced directory entries, newest first.
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    std::error_code ec;
    switch (it->op) {
      case EntryOp::kCreate:
        std::filesystem::remove(it->path, ec);
        break;
      case EntryOp::kRemove:
        CAIRN_RETURN_IF_ERROR(WriteWhole(it->path, it->old_content));
        break;
      case EntryOp::kRename:
        if (Exists(it->path)) std::filesystem::rename(it->path, it->from, ec);
        if (it->had_old) CAIRN_RETURN_IF_ERROR(WriteWhole(it->path, it->old_content));
        break;
    }
    if (ec) return Status::IOError("power cut: " + it->path + ": " + ec.message());
  }
  files_.clear();
  pending_.clear();
  frozen_ = !thaw;
  freeze_at_ = UINT64_MAX;
  fail_at_ = 0;
  fail_countdown_ = 0;
  return Status::OK();
}

}  // namespace cairn::storage::testing
