// Shared body of the exposition parser fuzz targets.
// Invariants: no sanitizer finding; Next() always ends (kEnd or an error)
// within one step per input byte; every view a parser hands out lies inside
// the body; an error carries a message; Labels() always holds __name__ and
// sorted unique names.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/exposition/parser.h"

namespace cairn::ingest::exposition {

inline void FuzzCheck(bool ok) {
  if (!ok) std::abort();
}

inline void FuzzParser(Format format, const uint8_t* data, size_t size, bool skip_created, bool start_timestamps) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto inside = [&](std::string_view v) {
    return v.empty() || (v.data() >= body.data() && v.data() + v.size() <= body.data() + body.size());
  };
  ParserOptions options;
  options.skip_created_series = skip_created;
  auto parser = NewParser(format, body, options);
  for (size_t steps = 0;; ++steps) {
    FuzzCheck(steps <= size + 2);
    Result<Entry> e = parser->Next();
    if (!e.ok()) {
      FuzzCheck(!e.status().message().empty());
      return;
    }
    switch (*e) {
      case Entry::kEnd:
        return;
      case Entry::kSeries: {
        FuzzCheck(inside(parser->SeriesKey()) && inside(parser->RawMetricName()));
        if (start_timestamps) (void)parser->StartTimestamp();
        storage::Labels ls = parser->Labels();
        FuzzCheck(ls.Has(storage::kMetricName) || parser->RawMetricName().empty());
        for (size_t k = 1; k < ls.size(); ++k) FuzzCheck(ls[k - 1].name < ls[k].name);
        Exemplar ex;
        if (parser->NextExemplar(&ex)) FuzzCheck(!parser->NextExemplar(&ex));
        break;
      }
      case Entry::kHelp:
        FuzzCheck(inside(parser->FamilyName()));
        (void)parser->Help();
        break;
      case Entry::kType:
      case Entry::kUnit:
        FuzzCheck(inside(parser->FamilyName()) && inside(parser->Unit()));
        break;
      case Entry::kComment:
        FuzzCheck(inside(parser->Comment()));
        break;
    }
  }
}

}  // namespace cairn::ingest::exposition
