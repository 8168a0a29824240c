// The Go-compatible quoting helpers live in util/go_quote.h (ingest/ needs
// them too); promql code keeps using them under their promql:: names.
#pragma once

#include "util/go_quote.h"

namespace cairn::promql {

using ::cairn::AppendUtf8;
using ::cairn::DecodeRune;
using ::cairn::GoQuote;
using ::cairn::GoQuoteRune;
using ::cairn::GoRuneU;

}  // namespace cairn::promql
