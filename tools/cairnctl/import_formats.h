// The line formats `cairnctl import` reads, one decoder each. Every format is
// line oriented, so a bad line is reported with its number and can be
// skipped without losing the rest.
//
//   openmetrics  OpenMetrics/Prometheus text as promtool's `tsdb
//                create-blocks-from openmetrics` reads it: `name{labels}
//                value timestamp` with the timestamp in (float) seconds;
//                comment lines (# HELP/TYPE/UNIT/EOF) are skipped. Every
//                sample needs a timestamp (backfill has no "now").
//   prometheus   the same with Prometheus text's integer millisecond
//                timestamps.
//   jsonl        VictoriaMetrics' /api/v1/export lines:
//                {"metric":{...},"values":[...],"timestamps":[ms...]}
//   csv          comma-separated columns mapped by a spec like VictoriaMetrics'
//                `format=` (/api/v1/import/csv): "2:metric:cpu,1:label:host,
//                3:time:unix_s" — each `metric` column is a sample of that
//                name, every `label` column a label of all of them, one
//                `time` column as unix_s, unix_ms, unix_ns or rfc3339.
//
// Thread-safety: a decoder is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cairn::cairnctl {

struct ImportSample {
  // Sorted by name, __name__ included.
  std::vector<std::pair<std::string, std::string>> labels;
  int64_t t_ms = 0;
  double value = 0;
};

class LineDecoder {
 public:
  virtual ~LineDecoder() = default;
  // Appends the samples of one line (without its line break) to `out`; a
  // blank or comment line adds nothing. Errors (InvalidArgument) say what is
  // wrong with the line; `out` is then unchanged.
  virtual Status Decode(std::string_view line, std::vector<ImportSample>* out) = 0;
};

// `format` is openmetrics, prometheus, jsonl or csv; `csv_spec` is read for
// csv only. Errors: InvalidArgument for an unknown format or a bad spec.
Result<std::unique_ptr<LineDecoder>> MakeLineDecoder(const std::string& format, const std::string& csv_spec);

}  // namespace cairn::cairnctl
