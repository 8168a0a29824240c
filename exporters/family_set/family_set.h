// FamilySet: metric families gathered during one Collect(), keyed by name, so a
// collector can add samples in the order its source yields them (row by row,
// INFO line by INFO line) and still hand back one family per name.
//
// The first Add() of a name fixes its help and type; later Adds with another
// type are dropped (the Go client would refuse such a sample as well), so a
// scrape never carries a name twice with two types.
// Thread-safety: none; one FamilySet belongs to one Collect() call.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace cairn::exporters {

using LabelPairs = std::vector<prometheus::ClientMetric::Label>;

class FamilySet {
 public:
  // Adds one sample of a gauge, counter or untyped family. Returns false when
  // `name` already exists with another type (the sample is dropped).
  bool Add(const std::string& name, const std::string& help, prometheus::MetricType type, LabelPairs labels,
           double value);
  // Adds one summary sample: count, sum and quantiles.
  bool AddSummary(const std::string& name, const std::string& help, LabelPairs labels, uint64_t count, double sum,
                  std::vector<prometheus::ClientMetric::Quantile> quantiles);

  bool Has(const std::string& name) const { return families_.count(name) != 0; }
  // The families, sorted by name; the set is left empty.
  std::vector<prometheus::MetricFamily> Take();

 private:
  prometheus::MetricFamily* Family(const std::string& name, const std::string& help, prometheus::MetricType type);
  std::map<std::string, prometheus::MetricFamily> families_;
};

}  // namespace cairn::exporters
