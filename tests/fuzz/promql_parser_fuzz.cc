// libFuzzer target for the PromQL parser: arbitrary bytes must never crash
// ParseExpr (or the metric/selector/duration parsers), and whatever parses
// must print back (Format and Pretty) to text that re-parses to an equal tree.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "promql/parser/parser.h"
#include "promql/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace cairn::promql;
  auto expr = parser::ParseExpr(in);
  if (expr.ok()) {
    std::string printed = Format(**expr);
    auto again = parser::ParseExpr(printed);
    if (!again.ok() || !ExprEqual(**expr, **again)) __builtin_trap();
    auto pretty = parser::ParseExpr(Pretty(**expr));
    if (!pretty.ok() || !ExprEqual(**expr, **pretty)) __builtin_trap();
  }
  (void)parser::ParseMetric(in);
  (void)parser::ParseMetricSelector(in);
  (void)parser::ParseDurationMs(in);
  return 0;
}
