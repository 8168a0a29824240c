#include "server/admin_ops.h"

#include <cstdio>
#include <filesystem>
#include <random>

namespace cairn::server {

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
  std::filesystem::path dir = std::filesystem::path(data_dir) / "snapshots";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir.string() + ": " + ec.message());
  auto r = db.Snapshot((dir / name).string());
  if (!r.ok()) return r.status();
  return std::string(name);
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
