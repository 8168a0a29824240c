// file_sd_configs: target groups read from JSON or YAML files, as Prometheus'
// discovery/file. Each file holds a list of {targets, labels}; its groups get
// the source "<file>:<index>" and the label __meta_filepath. Files are
// re-read when their directory changes (inotify) and every refresh_interval.
// A file that cannot be read or parsed keeps the groups it last produced;
// a file that is gone (or now has fewer groups) has its groups removed.
// Thread-safety: Refresh and Run must not run concurrently (Run calls
// Refresh); the config is immutable.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scrape/discovery/discoverer.h"

namespace cairn::scrape::discovery {

inline constexpr std::string_view kFilepathLabel = "__meta_filepath";

struct FileSdConfig {
  // Paths; `*` may appear only in the last path element, and names end in
  // .json, .yml or .yaml. Relative paths are relative to the process' working
  // directory (the server joins them with the config file's directory first).
  std::vector<std::string> files;
  // How often every file is re-read even without a change notification.
  int64_t refresh_interval_ms = 5 * 60 * 1000;

  friend bool operator==(const FileSdConfig&, const FileSdConfig&) = default;
};

// Parses one file_sd_configs entry with Prometheus' defaults and messages:
// "file service discovery config must contain at least one path name",
// `path name "x" is not valid for file discovery`.
Result<FileSdConfig> ParseFileSdConfig(const YAML::Node& node);

class FileDiscoverer final : public Discoverer {
 public:
  explicit FileDiscoverer(FileSdConfig config) : config_(std::move(config)) {}

  // Lists the files the globs match (sorted) and reads each. The groups are
  // every group of every file read now, plus empty groups for sources that
  // vanished since the last refresh; errors name the files that failed.
  RefreshResult Refresh();

  void Run(std::stop_token stop, DiscoverySink& sink) override;

  // Reads one file's groups (exposed for tests and tools).
  static Result<std::vector<TargetGroup>> ReadFile(const std::string& path);

 private:
  std::vector<std::string> ListFiles() const;
  // Directories to watch: each pattern's directory, "." when it has none.
  std::vector<std::string> WatchDirs() const;

  const FileSdConfig config_;
  std::map<std::string, size_t> last_group_counts_;  // file → groups it last produced
};

}  // namespace cairn::scrape::discovery
