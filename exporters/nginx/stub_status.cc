#include "exporters/nginx/stub_status.h"

#include <charconv>
#include <string>
#include <vector>

namespace cairn::exporters::nginx {
namespace {

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool ParseInt(std::string_view s, int64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out >= 0;
}

Status BadLine(int n, std::string_view line) {
  return Status::InvalidArgument("invalid input for stub_status line " + std::to_string(n) + ": \"" +
                                 std::string(line.substr(0, 120)) + "\"");
}

}  // namespace

Result<StubStatus> ParseStubStatus(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!Fields(line).empty()) lines.push_back(line);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  if (lines.size() != 4) {
    return Status::InvalidArgument("invalid input for stub_status: expected 4 lines, got " +
                                   std::to_string(lines.size()));
  }
  StubStatus s;
  auto f = Fields(lines[0]);
  if (f.size() != 3 || f[0] != "Active" || f[1] != "connections:" || !ParseInt(f[2], &s.active)) {
    return BadLine(1, lines[0]);
  }
  f = Fields(lines[1]);
  if (f.size() != 4 || f[0] != "server" || f[1] != "accepts" || f[2] != "handled" || f[3] != "requests") {
    return BadLine(2, lines[1]);
  }
  f = Fields(lines[2]);
  if (f.size() != 3 || !ParseInt(f[0], &s.accepts) || !ParseInt(f[1], &s.handled) || !ParseInt(f[2], &s.requests)) {
    return BadLine(3, lines[2]);
  }
  f = Fields(lines[3]);
  if (f.size() != 6 || f[0] != "Reading:" || f[2] != "Writing:" || f[4] != "Waiting:" ||
      !ParseInt(f[1], &s.reading) || !ParseInt(f[3], &s.writing) || !ParseInt(f[5], &s.waiting)) {
    return BadLine(4, lines[3]);
  }
  return s;
}

}  // namespace cairn::exporters::nginx
