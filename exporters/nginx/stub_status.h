// nginx's stub_status page (ngx_http_stub_status_module):
//
//   Active connections: 291
//   server accepts handled requests
//    16630948 16630948 31070465
//   Reading: 6 Writing: 179 Waiting: 106
#pragma once

#include <cstdint>
#include <string_view>

#include "util/status.h"

namespace cairn::exporters::nginx {

struct StubStatus {
  int64_t active = 0;
  int64_t accepts = 0;
  int64_t handled = 0;
  int64_t requests = 0;
  int64_t reading = 0;
  int64_t writing = 0;
  int64_t waiting = 0;
};

// Parses the page; kInvalidArgument naming the first line that does not fit.
Result<StubStatus> ParseStubStatus(std::string_view text);

}  // namespace cairn::exporters::nginx
