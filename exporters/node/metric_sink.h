// MetricSink: how a node collector hands its samples to prometheus-cpp's
// metric model. A collector opens each family once per scrape with Family()
// and adds its samples to it; families are plain prometheus::MetricFamily
// values, so the shared exporter library serializes them like any other
// prometheus::Collectable's.
// Thread-safety: not thread-safe; one sink per scrape.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

namespace cairn::exporters::node {

using LabelPairs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class MetricSink {
 public:
  explicit MetricSink(std::vector<prometheus::MetricFamily>& out) : out_(out) {}

  // Starts the family `name`; the samples added next belong to it. A collector
  // must not start the same family twice in one scrape.
  void Family(std::string_view name, std::string_view help, prometheus::MetricType type);

  // Adds one sample to the family started last; its labels are stored sorted
  // by name, as client_golang prints them.
  void Add(double value, LabelPairs labels = {});

  // Family() + Add() for a family with a single unlabelled sample.
  void Single(std::string_view name, std::string_view help, prometheus::MetricType type, double value) {
    Family(name, help, type);
    Add(value);
  }

 private:
  std::vector<prometheus::MetricFamily>& out_;
};

}  // namespace cairn::exporters::node
