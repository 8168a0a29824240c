// What every prober gets and gives: the target, its module, a deadline, a
// registry for the probe's own metrics and a log for `debug=true`. A prober
// registers its metrics as upstream's prober/*.go do (some only in some
// outcomes, e.g. probe_ssl_* only after a TLS handshake) and returns whether
// the probe succeeded; probe_success and probe_duration_seconds are the
// handler's (probe_handler.h).
// Thread-safety: one ProbeContext per probe; probes run concurrently.
#pragma once

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <string>
#include <string_view>

#include "exporters/blackbox/config.h"

namespace cairn::blackbox {

using SteadyTime = std::chrono::steady_clock::time_point;

// The probe's log lines in logfmt, kept for `debug=true` and for the log.
class ProbeLog {
 public:
  // level: "info", "error", "debug", "warn"; kv alternates keys and values.
  void Log(std::string_view level, std::string_view msg, std::initializer_list<std::string_view> kv = {});
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

struct ProbeContext {
  SteadyTime deadline;
  prometheus::Registry& registry;
  ProbeLog& log;

  // Seconds left before the deadline (never negative).
  double Remaining() const;
  bool Expired() const { return std::chrono::steady_clock::now() >= deadline; }

  prometheus::Gauge& NewGauge(const std::string& name, const std::string& help);
  prometheus::Family<prometheus::Gauge>& NewGaugeVec(const std::string& name, const std::string& help);
};

double SecondsSince(SteadyTime start);

using ProbeFn = bool (*)(const std::string& target, const Module& module, ProbeContext& ctx);

bool ProbeHTTP(const std::string& target, const Module& module, ProbeContext& ctx);
bool ProbeTCP(const std::string& target, const Module& module, ProbeContext& ctx);
bool ProbeDNS(const std::string& target, const Module& module, ProbeContext& ctx);
bool ProbeICMP(const std::string& target, const Module& module, ProbeContext& ctx);

// The prober for a module's `prober` name, nullptr for an unknown one.
ProbeFn FindProber(std::string_view name);

}  // namespace cairn::blackbox
