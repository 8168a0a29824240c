// Reading /proc and /sys files for a scrape: the whole file with one open()
// and as few read()s as the kernel allows, into a buffer the caller keeps
// between scrapes so that a steady-state scrape allocates nothing for it.
// Thread-safety: a function; `buf` must not be shared between threads.
#pragma once

#include <string>

#include "util/status.h"

namespace cairn::exporters::node {

// Replaces `buf` with the file's contents. NotFound when the file does not
// exist, Unsupported when the kernel refuses the read with EOPNOTSUPP (as
// /proc/pressure does under psi=0), IOError otherwise.
Status ReadFileInto(const std::string& path, std::string& buf);

}  // namespace cairn::exporters::node
