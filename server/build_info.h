// What `cairn` reports as its build: a Prometheus-compatible version for
// clients that gate features on it (Grafana wants semver >= 2.24), with
// Cairn's own version as semver build metadata.
#pragma once

#include <string>

namespace cairn::server {

struct BuildInfo {
  std::string version;    // "3.0.0+cairn.<cairn version>"
  std::string revision;   // git commit at configure time, or "unknown"
  std::string branch;
  std::string build_user;
  std::string build_date;
  std::string compiler;   // goVersion's slot: the C++ compiler
};

const BuildInfo& GetBuildInfo();

}  // namespace cairn::server
