// HistogramVec: a classic (bucketed) histogram family with label names, as
// prometheus_http_request_duration_seconds{handler} is exposed upstream.
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/metrics/registry.h"

namespace cairn::server::metrics {

class HistogramVec final : public Family {
 public:
  // `upper_bounds` ascending; the +Inf bucket is implicit.
  HistogramVec(std::string name, std::string help, std::vector<std::string> label_names,
               std::vector<double> upper_bounds)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        bounds_(std::move(upper_bounds)) {}

  void Observe(const std::vector<std::string>& label_values, double v);

  const std::string& name() const override { return name_; }
  const std::string& help() const override { return help_; }
  const char* type() const override { return "histogram"; }
  void Collect(std::vector<MetricSample>* out) const override;

 private:
  struct Child {
    std::vector<uint64_t> counts;  // per bucket, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, Child> children_;
};

}  // namespace cairn::server::metrics
