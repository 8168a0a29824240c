#include "server/admin_ops.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

namespace cairn::server {

namespace {

std::filesystem::path SnapshotsDir(const std::string& data_dir) {
  return std::filesystem::path(data_dir) / "snapshots";
}

uint64_t TreeBytes(const std::filesystem::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code ec2;
    if (it->is_regular_file(ec2)) total += it->file_size(ec2);
  }
  return total;
}

}  // namespace

Result<std::string> TakeSnapshot(storage::DB& db, const std::string& data_dir, int64_t now_ms) {
  time_t secs = static_cast<time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  uint64_t rnd = (static_cast<uint64_t>(rd()) << 32) | rd();
  char name[64];
  std::snprintf(name, sizeof(name), "%s-%016llx", stamp, static_cast<unsigned long long>(rnd));
  const std::filesystem::path dir = SnapshotsDir(data_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir.string() + ": " + ec.message());
  auto r = db.Snapshot((dir / name).string());
  if (!r.ok()) return r.status();
  return std::string(name);
}

Result<std::vector<SnapshotInfo>> ListSnapshots(const std::string& data_dir) {
  std::vector<SnapshotInfo> out;
  const auto dir = SnapshotsDir(data_dir);
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code ec2;
    if (!e.is_directory(ec2)) continue;
    SnapshotInfo info;
    info.name = e.path().filename().string();
    info.bytes = TreeBytes(e.path());
    const auto mtime = std::filesystem::last_write_time(e.path(), ec2);
    if (!ec2) {
      const auto sys = std::chrono::file_clock::to_sys(mtime);
      info.created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
    }
    out.push_back(std::move(info));
  }
  if (ec) return Status::IOError("list " + dir.string() + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const SnapshotInfo& a, const SnapshotInfo& b) { return a.name < b.name; });
  return out;
}

Status RemoveSnapshot(const std::string& data_dir, const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\\') != std::string::npos) {
    return Status::InvalidArgument("invalid snapshot name \"" + name + "\"");
  }
  const auto path = SnapshotsDir(data_dir) / name;
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return Status::NotFound("snapshot \"" + name + "\" not found");
  std::filesystem::remove_all(path, ec);
  if (ec) return Status::IOError("remove " + path.string() + ": " + ec.message());
  return Status::OK();
}

Result<CompactOutcome> CompactStorage(storage::DB& db) {
  CompactOutcome out;
  out.bytes_before = db.Stats().disk_bytes;
  CAIRN_RETURN_IF_ERROR(db.Compact());
  out.bytes_after = db.Stats().disk_bytes;
  return out;
}

Status DeleteSeries(storage::DB& db, const api::SelectorParser& parse, const std::vector<std::string>& selectors,
                    int64_t start_ms, int64_t end_ms) {
  if (selectors.empty()) return Status::InvalidArgument("no match[] parameter provided");
  std::vector<storage::Matchers> sets;
  for (const auto& sel : selectors) {
    auto m = parse(sel);
    if (!m.ok()) return Status::InvalidArgument(m.status().message());
    bool non_empty = false;
    for (const auto& matcher : *m) non_empty |= !matcher.MatchesEmpty();
    if (!non_empty) return Status::InvalidArgument("match[] must contain at least one non-empty matcher");
    sets.push_back(std::move(m).value());
  }
  for (const auto& matchers : sets) CAIRN_RETURN_IF_ERROR(db.DeleteSeries(matchers, start_ms, end_ms));
  return Status::OK();
}

}  // namespace cairn::server
