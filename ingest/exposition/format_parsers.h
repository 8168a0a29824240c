// Internal to ingest/exposition: the two Parser implementations, built by
// NewParser (parser.h).
#pragma once

#include <memory>
#include <string_view>

#include "ingest/exposition/parser.h"

namespace cairn::ingest::exposition {

std::unique_ptr<Parser> NewPromParser(std::string_view body);
std::unique_ptr<Parser> NewOpenMetricsParser(std::string_view body, const ParserOptions& options);

}  // namespace cairn::ingest::exposition
