// CounterVec: a counter family with a fixed list of label names (possibly
// none), one child per distinct label-value tuple, created on first use.
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/metrics/registry.h"

namespace cairn::server::metrics {

class CounterVec final : public Family {
 public:
  CounterVec(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

  // Adds `delta` (>= 0) to the child with these label values, which must
  // match label_names in number and order.
  void Add(const std::vector<std::string>& label_values, double delta);
  void Inc(const std::vector<std::string>& label_values = {}) { Add(label_values, 1); }
  double Value(const std::vector<std::string>& label_values) const;

  const std::string& name() const override { return name_; }
  const std::string& help() const override { return help_; }
  const char* type() const override { return "counter"; }
  void Collect(std::vector<MetricSample>* out) const override;

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, double> values_;
};

}  // namespace cairn::server::metrics
