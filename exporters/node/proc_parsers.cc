#include "exporters/node/proc_parsers.h"

#include <charconv>

#include "util/go_strconv.h"

namespace cairn::exporters::node {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Walks `text` line by line without copying.
class Lines {
 public:
  explicit Lines(std::string_view text) : rest_(text) {}
  bool Next(std::string_view& line) {
    if (rest_.empty()) return false;
    size_t nl = rest_.find('\n');
    line = rest_.substr(0, nl);
    rest_ = nl == std::string_view::npos ? std::string_view() : rest_.substr(nl + 1);
    return true;
  }

 private:
  std::string_view rest_;
};

// Splits a line on runs of whitespace like Go's strings.Fields, into a fixed
// array (no allocation); returns how many fields there were, which may exceed N.
template <size_t N>
size_t Fields(std::string_view line, std::array<std::string_view, N>& out) {
  size_t n = 0, i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i == line.size()) break;
    size_t start = i;
    while (i < line.size() && !IsSpace(line[i])) ++i;
    if (n < N) out[n] = line.substr(start, i - start);
    ++n;
  }
  return n;
}

bool ParseU64(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseU32(std::string_view s, uint32_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseF64(std::string_view s, double& out) {
  GoFloat f = GoParseFloat(s);
  out = f.value;
  return f.error == GoNumError::kNone;
}

Status Malformed(std::string_view what, std::string_view line) {
  return Status::InvalidArgument(std::string(what) + ": malformed line \"" + std::string(line) + "\"");
}

// A metric name node_exporter could register: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsMetricNameTail(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<ProcStat> ParseProcStat(std::string_view text) {
  ProcStat stat;
  Lines lines(text);
  std::string_view line;
  std::array<std::string_view, 11> f;
  while (lines.Next(line)) {
    size_t n = Fields(line, f);
    if (n < 2) continue;  // procfs needs at least "<key> <value>"
    std::string_view key = f[0];
    uint64_t* target = nullptr;
    if (key == "btime") target = &stat.boot_time;
    else if (key == "intr") target = &stat.intr;
    else if (key == "ctxt") target = &stat.context_switches;
    else if (key == "processes") target = &stat.forks;
    else if (key == "procs_running") target = &stat.procs_running;
    else if (key == "procs_blocked") target = &stat.procs_blocked;
    if (target != nullptr) {
      if (!ParseU64(f[1], *target)) return Malformed("/proc/stat", line);
      continue;
    }
    if (key.substr(0, 3) != "cpu") continue;
    CpuTimes t;
    double* slots[] = {&t.user, &t.nice, &t.system, &t.idle, &t.iowait,
                       &t.irq, &t.softirq, &t.steal, &t.guest, &t.guest_nice};
    // Older kernels print fewer columns; the missing ones stay 0 (Sscanf's EOF).
    size_t cols = std::min(n, f.size()) - 1;
    for (size_t i = 0; i < cols; ++i) {
      if (!ParseF64(f[i + 1], *slots[i])) return Malformed("/proc/stat", line);
      *slots[i] /= 100.0;  // USER_HZ
    }
    if (key == "cpu") continue;  // the all-CPU line; node_exporter exports per CPU only
    uint64_t id = 0;
    if (!ParseU64(key.substr(3), id)) return Malformed("/proc/stat", line);
    t.cpu = static_cast<int64_t>(id);
    stat.cpus.push_back(t);
  }
  return stat;
}

Result<std::vector<MeminfoField>> ParseMeminfo(std::string_view text) {
  std::vector<MeminfoField> out;
  Lines lines(text);
  std::string_view line;
  std::array<std::string_view, 4> f;
  while (lines.Next(line)) {
    size_t n = Fields(line, f);
    if (n == 0) continue;  // blank lines happen on some old kernels
    if (n < 2 || n > 3) return Malformed("/proc/meminfo", line);
    double v = 0;
    if (!ParseF64(f[1], v)) return Malformed("/proc/meminfo", line);
    std::string_view raw = f[0].substr(0, f[0].size() - 1);  // drop the trailing ':'
    // "Active(anon)" -> "Active_anon": the outermost parentheses become "_…".
    std::string name;
    size_t open = raw.find('('), close = raw.rfind(')');
    if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
      name.append(raw.substr(0, open)).append("_").append(raw.substr(open + 1, close - open - 1));
      name.append(raw.substr(close + 1));
    } else {
      name.assign(raw);
    }
    if (n == 3) {  // a unit, which the kernel only ever prints as kB
      v *= 1024;
      name += "_bytes";
    }
    if (name.empty() || (name[0] >= '0' && name[0] <= '9') || !IsMetricNameTail(name)) continue;
    bool replaced = false;
    for (auto& m : out) {
      if (m.name == name) {
        m.value = v;
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back({std::move(name), v});
  }
  return out;
}

Result<std::array<double, 3>> ParseLoadavg(std::string_view text) {
  std::array<std::string_view, 3> f;
  if (Fields(text, f) < 3) return Status::InvalidArgument("unexpected content in loadavg");
  std::array<double, 3> loads{};
  for (size_t i = 0; i < 3; ++i) {
    if (!ParseF64(f[i], loads[i])) {
      return Status::InvalidArgument("could not parse load '" + std::string(f[i]) + "'");
    }
  }
  return loads;
}

namespace {
std::string UnescapeMountPoint(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 4) == "\\040") {
      out += ' ';
      i += 3;
    } else if (s.substr(i, 4) == "\\011") {
      out += '\t';
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

Result<std::vector<MountEntry>> ParseMounts(std::string_view text) {
  std::vector<MountEntry> out;
  Lines lines(text);
  std::string_view line;
  std::array<std::string_view, 4> f;
  while (lines.Next(line)) {
    if (Fields(line, f) < 4) {
      return Status::InvalidArgument("malformed mount point information: \"" + std::string(line) + "\"");
    }
    out.push_back({std::string(f[0]), UnescapeMountPoint(f[1]), std::string(f[2]), std::string(f[3])});
  }
  return out;
}

Result<std::vector<DiskStats>> ParseDiskstats(std::string_view text) {
  std::vector<DiskStats> out;
  Lines lines(text);
  std::string_view line;
  std::array<std::string_view, 20> f;
  while (lines.Next(line)) {
    size_t n = std::min(Fields(line, f), f.size());
    if (n < 14) continue;  // procfs keeps lines with all 11 classic counters only
    DiskStats d;
    if (!ParseU32(f[0], d.major) || !ParseU32(f[1], d.minor)) return Malformed("/proc/diskstats", line);
    d.device.assign(f[2]);
    for (size_t i = 3; i < n; ++i) {
      if (!ParseU64(f[i], d.stats[i - 3])) return Malformed("/proc/diskstats", line);
    }
    d.stat_count = static_cast<int>(n - 3);
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<NetDevStats>> ParseNetDev(std::string_view text) {
  std::vector<NetDevStats> out;
  Lines lines(text);
  std::string_view line;
  std::array<std::string_view, 16> f;
  for (int row = 0; lines.Next(line); ++row) {
    if (row < 2) continue;  // the two header lines
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    size_t colon = line.rfind(':');
    if (colon == std::string_view::npos) return Malformed("/proc/net/dev", line);
    std::string_view name = line.substr(0, colon);
    name.remove_prefix(std::min(name.find_first_not_of(" \t"), name.size()));
    while (!name.empty() && IsSpace(name.back())) name.remove_suffix(1);
    if (name.empty()) return Malformed("/proc/net/dev", line);
    if (Fields(line.substr(colon + 1), f) != 16) return Malformed("/proc/net/dev", line);
    NetDevStats d;
    d.device.assign(name);
    for (size_t i = 0; i < 16; ++i) {
      if (!ParseU64(f[i], d.stats[i])) return Malformed("/proc/net/dev", line);
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<VmstatField>> ParseVmstat(std::string_view text) {
  std::vector<VmstatField> out;
  Lines lines(text);
  std::string_view line;
  std::array<std::string_view, 2> f;
  while (lines.Next(line)) {
    size_t n = Fields(line, f);
    if (n == 0) continue;
    double v = 0;
    if (n < 2 || !ParseF64(f[1], v)) return Malformed("/proc/vmstat", line);
    out.push_back({std::string(f[0]), v});
  }
  return out;
}

Result<Pressure> ParsePressure(std::string_view text) {
  Pressure p;
  Lines lines(text);
  std::string_view line;
  std::array<std::string_view, 5> f;
  while (lines.Next(line)) {
    size_t n = Fields(line, f);
    if (n == 0 || (f[0] != "some" && f[0] != "full")) continue;
    if (n < 5) return Malformed("pressure", line);
    PressureLine pl;
    const std::string_view keys[] = {"avg10=", "avg60=", "avg300=", "total="};
    for (size_t i = 0; i < 4; ++i) {
      std::string_view v = f[i + 1];
      if (v.substr(0, keys[i].size()) != keys[i]) return Malformed("pressure", line);
      v.remove_prefix(keys[i].size());
      bool ok = i == 0 ? ParseF64(v, pl.avg10)
              : i == 1 ? ParseF64(v, pl.avg60)
              : i == 2 ? ParseF64(v, pl.avg300)
                       : ParseU64(v, pl.total_us);
      if (!ok) return Malformed("pressure", line);
    }
    (f[0] == "some" ? p.some : p.full) = pl;
  }
  return p;
}

std::vector<std::pair<std::string, std::string>> ParseUdevProperties(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  Lines lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    if (line.substr(0, 2) != "E:") continue;  // only device properties
    line.remove_prefix(2);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return out;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > start) out.emplace_back(text.substr(start, i - start));
  }
  return out;
}

}  // namespace cairn::exporters::node
