#include "scrape/discovery/file_discoverer.h"

#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <re2/re2.h>

#include "scrape/discovery/yaml_util.h"
#include "util/go_quote.h"

namespace cairn::scrape::discovery {
namespace {

// Prometheus' patFileSDName: a `*` only in the last path element, and one of
// the extensions it reads.
const RE2& FileNamePattern() {
  static const RE2 re(R"(^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$)");
  return re;
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  }
  return true;
}

std::string Source(const std::string& file, size_t i) { return file + ":" + std::to_string(i); }

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<FileSdConfig> ParseFileSdConfig(const YAML::Node& node) {
  FileSdConfig cfg;
  if (!node.IsMap()) return Status::InvalidArgument(At(node) + "file_sd_configs entries must be maps");
  CAIRN_RETURN_IF_ERROR(CheckKnownKeys(node, {"files", "refresh_interval"}, "file.SDConfig"));
  CAIRN_RETURN_IF_ERROR(ReadStringList(node, "files", &cfg.files));
  CAIRN_RETURN_IF_ERROR(ReadDurationMs(node, "refresh_interval", &cfg.refresh_interval_ms));
  if (cfg.files.empty()) {
    return Status::InvalidArgument(At(node) + "file service discovery config must contain at least one path name");
  }
  for (const std::string& name : cfg.files) {
    if (!RE2::FullMatch(name, FileNamePattern())) {
      return Status::InvalidArgument(At(node) + "path name " + GoQuote(name) +
                                     " is not valid for file discovery");
    }
  }
  return cfg;
}

Result<std::vector<TargetGroup>> FileDiscoverer::ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("open " + path + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return Status::IOError("read " + path + ": " + std::strerror(errno));
  const GroupSyntax syntax = EndsWithIgnoreCase(path, ".json") ? GroupSyntax::kJson : GroupSyntax::kYaml;
  auto groups = ParseTargetGroupsText(content.str(), syntax);
  if (!groups.ok()) return groups.status().WithContext(path);
  for (size_t i = 0; i < groups->size(); ++i) {
    TargetGroup& g = (*groups)[i];
    g.source = Source(path, i);
    g.labels = g.labels.With(kFilepathLabel, path);
  }
  return groups;
}

std::vector<std::string> FileDiscoverer::ListFiles() const {
  std::set<std::string> files;
  for (const std::string& pattern : config_.files) {
    glob_t g{};
    // GLOB_PERIOD: Go's filepath.Glob lets `*` match a leading dot too.
    if (::glob(pattern.c_str(), GLOB_PERIOD, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.insert(g.gl_pathv[i]);
    }
    ::globfree(&g);
  }
  return {files.begin(), files.end()};
}

std::vector<std::string> FileDiscoverer::WatchDirs() const {
  std::set<std::string> dirs;
  for (const std::string& pattern : config_.files) {
    const size_t slash = pattern.rfind('/');
    dirs.insert(slash == std::string::npos ? "." : slash == 0 ? "/" : pattern.substr(0, slash));
  }
  return {dirs.begin(), dirs.end()};
}

RefreshResult FileDiscoverer::Refresh() {
  RefreshResult result;
  std::map<std::string, size_t> counts;
  for (const std::string& file : ListFiles()) {
    auto groups = ReadFile(file);
    if (!groups.ok()) {
      result.errors.push_back(groups.status());
      // Keep what the file produced before, so its targets stay.
      if (auto it = last_group_counts_.find(file); it != last_group_counts_.end()) counts[file] = it->second;
      continue;
    }
    counts[file] = groups->size();
    for (TargetGroup& g : *groups) result.groups.push_back(std::move(g));
  }
  for (const auto& [file, before] : last_group_counts_) {
    const auto it = counts.find(file);
    const size_t now = it == counts.end() ? 0 : it->second;
    for (size_t i = now; i < before; ++i) result.groups.push_back(TargetGroup{Source(file, i), {}, {}});
  }
  last_group_counts_ = std::move(counts);
  return result;
}

void FileDiscoverer::Run(std::stop_token stop, DiscoverySink& sink) {
  Fd wake{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
  Fd notify{::inotify_init1(IN_CLOEXEC | IN_NONBLOCK)};
  if (notify.fd < 0) {
    sink.RefreshFailed(Status::IOError(std::string("inotify: ") + std::strerror(errno) +
                                       "; files are re-read every refresh_interval only"));
  }
  std::stop_callback on_stop(stop, [&] {
    const uint64_t one = 1;
    (void)!::write(wake.fd, &one, sizeof one);
  });
  const auto refresh = [&] {
    // Watch before reading, so a change made after this read is an event
    // (Prometheus watches after, and relies on refresh_interval for changes
    // in between). Re-adding each time picks up directories created since;
    // adding an existing watch is a no-op.
    if (notify.fd >= 0) {
      for (const std::string& dir : WatchDirs()) {
        ::inotify_add_watch(notify.fd, dir.c_str(),
                            IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO);
      }
    }
    RefreshResult r = Refresh();
    for (const Status& e : r.errors) sink.RefreshFailed(e);
    sink.Update(std::move(r.groups));
  };
  using Clock = std::chrono::steady_clock;
  refresh();
  auto next = Clock::now() + std::chrono::milliseconds(config_.refresh_interval_ms);
  while (!stop.stop_requested()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
    pollfd fds[2] = {{wake.fd, POLLIN, 0}, {notify.fd, POLLIN, 0}};
    const int n = ::poll(fds, notify.fd >= 0 ? 2 : 1, static_cast<int>(std::clamp<int64_t>(left, 0, 60000)));
    if (stop.stop_requested()) return;
    if (n > 0 && (fds[1].revents & POLLIN)) {
      // Drain the queue: any event in a watched directory means "re-read".
      alignas(inotify_event) char buf[4096];
      while (::read(notify.fd, buf, sizeof buf) > 0) {
      }
      refresh();
    } else if (Clock::now() >= next) {
      refresh();
      next = Clock::now() + std::chrono::milliseconds(config_.refresh_interval_ms);
    }
  }
}

}  // namespace cairn::scrape::discovery
