// A tiny metrics registry for the server's own /metrics, in the Prometheus
// text format (0.0.4). A family is either owned instrument state (CounterVec,
// HistogramVec) or a callback that reports current values on each scrape
// (storage stats, process stats).
// Thread-safety: register families before serving; Render() and the
// instruments are then safe from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::server::metrics {

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// One line of output: `<family name><suffix>{labels} value`.
struct MetricSample {
  std::string suffix;  // "" or "_sum", "_count", "_bucket", ...
  LabelPairs labels;
  double value = 0;
};

class Family {
 public:
  virtual ~Family() = default;
  virtual const std::string& name() const = 0;
  virtual const std::string& help() const = 0;
  virtual const char* type() const = 0;  // "counter", "gauge", "histogram", "summary", "untyped"
  virtual void Collect(std::vector<MetricSample>* out) const = 0;
};

class Registry {
 public:
  // Takes ownership; returns the family for the caller to keep using.
  template <typename F>
  F* Add(std::unique_ptr<F> family) {
    F* raw = family.get();
    families_.push_back(std::move(family));
    return raw;
  }
  // A family whose samples come from `collect` at every Render().
  void AddCallback(std::string name, std::string help, const char* type,
                   std::function<void(std::vector<MetricSample>*)> collect);

  // All families, in registration order, in the text format.
  std::string Render() const;

 private:
  std::vector<std::unique_ptr<Family>> families_;
};

// A sample value as client_golang's text encoder writes it (expfmt's
// writeFloat): Go's shortest 'g' digits ("100000", "1e+06"), "+Inf", "-Inf",
// "NaN", and "0" for -0. The one float form of every exposition Cairn's
// server writes (/metrics, /federate).
std::string FormatMetricValue(double v);

// Appends a label value escaped for the text format: backslash, double quote
// and newline as \\, \" and \n.
void AppendEscapedLabelValue(std::string_view value, std::string* out);

}  // namespace cairn::server::metrics
