// The texts promtool 2.42 prints when a rule unit test fails (cmd/promtool/unittest.go), so
// cairn-rules-test's output reads the same: label sets as 2.42's labels.String() writes them
// ({__name__="x", a="b"}), alert lists, sample lists with Go's %E floats, and durations as
// model.Duration ("1m30s") and time.Duration ("1m30s", "5m0s") print them.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/labels.h"

namespace cairn::rules::unittest {

struct LabelsAndAnnotations {
  storage::Labels labels;
  storage::Labels annotations;
};

struct ParsedSample {
  storage::Labels labels;
  double value = 0;
};

// Sorts as promtool does before comparing: by labels, then annotations (labels.Compare).
void SortAlerts(std::vector<LabelsAndAnnotations>& alerts);
void SortSamples(std::vector<ParsedSample>& samples);

// Prometheus 2.42's labels.String(): every label, __name__ included, in braces.
std::string LabelsString(const storage::Labels& labels);
// labelsAndAnnotations.String(): "[]", or "[\n0:\n  Labels:...\n  Annotations:...\n]".
std::string AlertsString(const std::vector<LabelsAndAnnotations>& alerts);
// parsedSamplesString(): "nil", or "<labels> <value %E>, ..." .
std::string SamplesString(const std::vector<ParsedSample>& samples);
// strconv.FormatFloat(v, 'E', -1, 64): "2.4E+02", "7E-01", "NaN", "+Inf".
std::string GoFormatFloatE(double v);
// Every line after the first prefixed with `indent` (promtool's indentLines).
std::string IndentLines(const std::string& lines, const std::string& indent);
// time.Duration's String() for whole milliseconds: "0s", "500ms", "1m30s", "5m0s", "1h0m0s".
std::string GoTimeDurationString(int64_t ms);

}  // namespace cairn::rules::unittest
