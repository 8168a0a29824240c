// Helpers for the exposition parser tests: run a parser over a body and
// render every entry as one readable line, or return the error it stops at.
#pragma once

#include <charconv>
#include <string>
#include <vector>

#include "ingest/exposition/parser.h"

namespace cairn::ingest::exposition::testing {

inline std::string Num(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// A literal with embedded NUL bytes, without the terminating one.
template <size_t N>
std::string Bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

struct Parsed {
  std::vector<std::string> entries;
  Status error;  // OK when the body parsed to kEnd
};

// One line per entry:
//   series <SeriesKey> => <labels> <value>[ @<ts>][ st=<ms>][ ex=<labels> <value>[ @<ts>]]
//   help <family> <text> | type <family> <type> | unit <family> <unit> | comment <text>
// `start_timestamps` calls StartTimestamp() for every series (OpenMetrics).
inline Parsed ParseAll(Format format, std::string_view body, ParserOptions options = {},
                       bool start_timestamps = false) {
  Parsed out;
  auto p = NewParser(format, body, options);
  for (;;) {
    Result<Entry> e = p->Next();
    if (!e.ok()) {
      out.error = e.status();
      return out;
    }
    std::string line;
    switch (*e) {
      case Entry::kEnd:
        return out;
      case Entry::kSeries: {
        line = "series " + std::string(p->SeriesKey()) + " => " + p->Labels().ToString() + " " + Num(p->Value());
        if (p->Timestamp()) line += " @" + std::to_string(*p->Timestamp());
        if (start_timestamps) line += " st=" + std::to_string(p->StartTimestamp());
        Exemplar ex;
        if (p->NextExemplar(&ex)) {
          line += " ex=" + ex.labels.ToString() + " " + Num(ex.value);
          if (ex.timestamp_ms) line += " @" + std::to_string(*ex.timestamp_ms);
          if (p->NextExemplar(&ex)) line += " (second exemplar!)";
        }
        break;
      }
      case Entry::kHelp:
        line = "help " + std::string(p->FamilyName()) + " " + std::string(p->Help());
        break;
      case Entry::kType:
        line = "type " + std::string(p->FamilyName()) + " " + std::string(MetricTypeName(p->Type()));
        break;
      case Entry::kUnit:
        line = "unit " + std::string(p->FamilyName()) + " " + std::string(p->Unit());
        break;
      case Entry::kComment:
        line = "comment " + std::string(p->Comment());
        break;
    }
    out.entries.push_back(std::move(line));
  }
}

// The message of the error the parser stops at ("" when it parses).
inline std::string ErrorOf(Format format, std::string_view body, ParserOptions options = {}) {
  Parsed p = ParseAll(format, body, options);
  return p.error.message();
}

}  // namespace cairn::ingest::exposition::testing
