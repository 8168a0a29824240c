#include "exporters/blackbox/prober.h"

#include <ctime>

namespace cairn::blackbox {

void ProbeLog::Log(std::string_view level, std::string_view msg, std::initializer_list<std::string_view> kv) {
  char ts[40];
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  auto quote = [](std::string_view v) {
    bool plain = !v.empty() && v.find_first_of(" \"=\n\t") == std::string_view::npos;
    if (plain) return std::string(v);
    std::string out = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') { out += "\\n"; continue; }
      out += c;
    }
    return out + "\"";
  };
  text_ += "ts=" + std::string(ts) + "." + std::to_string(1000 + ms).substr(1) + "Z level=" + std::string(level) +
           " msg=" + quote(msg);
  bool key = true;
  for (std::string_view part : kv) {
    text_ += key ? " " + std::string(part) + "=" : quote(part);
    key = !key;
  }
  text_ += "\n";
}

double ProbeContext::Remaining() const {
  double s = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
  return s > 0 ? s : 0;
}

prometheus::Gauge& ProbeContext::NewGauge(const std::string& name, const std::string& help) {
  return NewGaugeVec(name, help).Add({});
}

prometheus::Family<prometheus::Gauge>& ProbeContext::NewGaugeVec(const std::string& name, const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

double SecondsSince(SteadyTime start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

ProbeFn FindProber(std::string_view name) {
  if (name == "http") return ProbeHTTP;
  if (name == "tcp") return ProbeTCP;
  if (name == "dns") return ProbeDNS;
  if (name == "icmp") return ProbeICMP;
  return nullptr;
}

}  // namespace cairn::blackbox
