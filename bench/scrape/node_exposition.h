// NodeExposition: the /metrics body of a node_exporter-like host for the
// scrape bench: about `series` series in families shaped like node
// exporter's (per-cpu counters, per-device network and disk counters,
// filesystem and memory gauges, a labelled histogram), with HELP and TYPE
// lines, whose values move on every scrape. The series lines are built once;
// a scrape only writes the values.
// Thread-safety: Render is const and may run on several threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cairn::bench {

class NodeExposition {
 public:
  explicit NodeExposition(int series);

  // The body for scrape number `scrape` of target `target`, appended to `out`.
  // Counters grow, gauges wander, histograms stay cumulative.
  void Render(uint64_t target, uint64_t scrape, std::string* out) const;

  size_t series() const { return lines_.size(); }

 private:
  enum class Kind { kCounter, kGauge, kBucket };
  struct Line {
    std::string header;  // "# HELP ...\n# TYPE ...\n" before the family's first series, else ""
    std::string prefix;  // `name{labels} `
    Kind kind;
    int rank;            // bucket index within its histogram, for cumulative counts
  };
  void Family(const std::string& name, const char* type, const std::string& help,
              const std::vector<std::string>& label_sets, Kind kind);

  std::vector<Line> lines_;
};

}  // namespace cairn::bench
