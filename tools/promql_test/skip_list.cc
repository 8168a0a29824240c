#include "tools/promql_test/skip_list.h"

namespace cairn::promql_test {

std::optional<std::string> SkipReason(const EvalCommand& cmd, const EvalFacts& facts) {
  if (facts.file_basename == "native_histograms.test") return "native histograms are out of scope";
  if (cmd.expects_histogram) return "expects a native-histogram value";
  if (facts.reads_histogram_series) return "reads series that hold native-histogram samples (incl. load_with_nhcb histograms)";
  return std::nullopt;
}

}  // namespace cairn::promql_test
