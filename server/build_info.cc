#include "server/build_info.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.0.0"
#endif
#ifndef CAIRN_GIT_REVISION
#define CAIRN_GIT_REVISION "unknown"
#endif
#ifndef CAIRN_GIT_BRANCH
#define CAIRN_GIT_BRANCH "unknown"
#endif

namespace cairn::server {

const BuildInfo& GetBuildInfo() {
  static const BuildInfo info = {
      "3.0.0+cairn." CAIRN_VERSION, CAIRN_GIT_REVISION, CAIRN_GIT_BRANCH, "cairn", __DATE__ " " __TIME__,
#if defined(__clang__)
      "clang-" __clang_version__,
#else
      "gcc-" __VERSION__,
#endif
  };
  return info;
}

}  // namespace cairn::server
