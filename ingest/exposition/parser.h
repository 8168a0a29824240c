// Pull parsers for the text exposition formats a scrape returns: the
// Prometheus text format (0.0.4 and 1.0.0, which differ only in allowing
// quoted UTF-8 names) and OpenMetrics 1.0 text. Shaped like Prometheus'
// model/textparse.Parser and matching it byte for byte: the same entries,
// the same accepted and rejected inputs, the same error texts.
//
// Use (what a scrape loop does; `format` comes from SelectScrapeFormat() in
// scrape_negotiation.h, which reads the response's Content-Type):
//
//   auto parser = exposition::NewParser(format, body, options);
//   for (;;) {
//     Result<Entry> e = parser->Next();
//     if (!e.ok()) return e.status();          // scrape failed; Prometheus' message
//     if (*e == Entry::kEnd) break;
//     switch (*e) {
//       case Entry::kSeries: {
//         std::string_view key = parser->SeriesKey();  // cache lookup by raw bytes
//         if (!cache.contains(key)) cache[key] = parser->Labels();
//         append(cache[key], parser->Timestamp().value_or(scrape_ms), parser->Value());
//         Exemplar ex;
//         if (parser->NextExemplar(&ex)) ...;          // OpenMetrics only
//         break;
//       }
//       case Entry::kType: metadata[parser->FamilyName()].type = parser->Type(); break;
//       case Entry::kHelp: ... parser->Help() ...; break;
//       case Entry::kUnit: ... parser->Unit() ...; break;
//       default: break;                                // comments
//     }
//   }
//
// Zero copy: the parser keeps string_views into `body`, which must outlive
// it and stay unchanged. Next() allocates nothing once its small internal
// vectors have grown to the widest line; labels are only built (and strings
// only allocated) when Labels() is called. Views returned by accessors are
// valid until the next call to Next(); StartTimestamp() leaves them alone.
//
// Quirks kept on purpose because Prometheus has them (see
// ingest/docs/exposition.md): leading blanks of a text-format sample line
// belong to its metric name; the last TYPE seen applies to later families
// that have none (it decides `le`/`quantile` normalisation and `_created`
// handling); OpenMetrics suffix rules (`_total`, `_bucket`, …) are not
// enforced — the parser only reads the TYPE.
//
// Thread-safety: a Parser is used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/labels.h"
#include "util/status.h"

namespace cairn::ingest::exposition {

enum class Format {
  kPrometheusText,  // text/plain; version 0.0.4 and 1.0.0 alike
  kOpenMetrics,     // application/openmetrics-text; 0.0.1 and 1.0.0 alike
};

// What Next() stopped at. kEnd is the end of the input (for OpenMetrics:
// a correct `# EOF` with nothing after it).
enum class Entry { kSeries, kType, kHelp, kUnit, kComment, kEnd };

// Prometheus' model.MetricType. The text format's `untyped` reads as kUnknown.
enum class MetricType { kUnknown, kCounter, kGauge, kHistogram, kGaugeHistogram, kSummary, kInfo, kStateset };

// The lower-case names Prometheus' API uses: "counter", …, "unknown".
std::string_view MetricTypeName(MetricType type);

struct Exemplar {
  storage::Labels labels;
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

struct ParserOptions {
  // OpenMetrics only: drop `<family>_created` samples of counters,
  // histograms and summaries instead of returning them as series (Prometheus'
  // OpenMetricsSkipSTSeries; the scrape loop sets it when created
  // timestamps are ingested through StartTimestamp()). Off by default: then
  // `_created` lines are ordinary series, as in a default Prometheus.
  bool skip_created_series = false;
};

class Parser {
 public:
  virtual ~Parser() = default;
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // Advances to the next entry. Blank lines (text format) are skipped. An
  // error is kInvalidArgument with Prometheus' exact message; after an
  // error the parser must not be used again.
  virtual Result<Entry> Next() = 0;

  // --- After kSeries ---
  // The sample's series as written: the bytes from the start of the line
  // (leading blanks included, text format) to the end of the metric name or
  // the closing '}'. Equal bytes give equal Labels(), so a scrape cache can
  // key on it and skip Labels() (Prometheus' Series() bytes).
  std::string_view SeriesKey() const { return series_; }
  // The metric name as written (quotes removed, escapes not applied).
  std::string_view RawMetricName() const;
  // The sample value; NaN is always Prometheus' normal NaN bit pattern.
  double Value() const { return value_; }
  // The explicit timestamp in ms, if the line has one (text: an integer of
  // ms; OpenMetrics: float seconds × 1000 truncated toward zero).
  std::optional<int64_t> Timestamp() const {
    return has_ts_ ? std::optional<int64_t>(ts_) : std::nullopt;
  }
  // Builds the series' labels: __name__ plus the written labels, escapes
  // applied (\\ \" \n), `le` of histograms and `quantile` of summaries
  // normalised to Prometheus' float form ("1" → "1.0"). Allocates.
  // Sets *duplicate_name to a label name written twice, else clears it
  // (Labels keeps the first). Upstream's TSDB then refuses the sample with
  // `label name "<name>" is not unique: invalid sample`, failing the scrape.
  storage::Labels Labels(std::string* duplicate_name = nullptr) const;
  // OpenMetrics: the exemplar of the current sample, once; false when there
  // is none (always false for the text format). Exemplar label values are
  // taken as written, without unescaping, as Prometheus does.
  bool NextExemplar(Exemplar* out);
  // OpenMetrics: the start (created) timestamp in ms for a counter, summary
  // or histogram sample, read from the family's `_created` line that
  // follows it with the same labels; 0 when unknown or for other types and
  // for the text format. Peeks ahead without moving the parser. Like
  // Prometheus, after the first look-ahead `_created` series are skipped
  // from then on (as if skip_created_series were set).
  virtual int64_t StartTimestamp() { return 0; }

  // --- After kType / kHelp / kUnit ---
  // The family name as written (quotes removed, escapes not applied).
  std::string_view FamilyName() const;
  MetricType Type() const { return type_; }
  // HELP text with its escapes applied (text: \\ and \n; OpenMetrics also
  // \"). A view into the body when there is nothing to unescape.
  std::string_view Help();
  // OpenMetrics UNIT; "" for the text format.
  std::string_view Unit() const { return unit_; }

  // --- After kComment (text format only) ---
  // The whole comment line from '#', without the line break.
  std::string_view Comment() const { return text_; }

  // The exposition format this parser reads.
  virtual Format format() const = 0;

 protected:
  explicit Parser(std::string_view body) : body_(body) {}

  std::string_view body_;
  // Current entry. offsets_ holds body positions: [0,1] metric name, then
  // (name start, name end, value start, value end) per label; -1 for an
  // unset name.
  size_t start_ = 0;
  std::vector<int64_t> offsets_;
  std::string_view series_;
  std::string_view text_;
  double value_ = 0;
  int64_t ts_ = 0;
  bool has_ts_ = false;
  MetricType type_ = MetricType::kUnknown;
  std::string_view unit_;
  // Exemplar (OpenMetrics): label offsets like offsets_, and whether one is
  // pending for NextExemplar().
  std::vector<int64_t> exemplar_offsets_;
  bool has_exemplar_ = false;
  double exemplar_value_ = 0;
  bool has_exemplar_ts_ = false;
  int64_t exemplar_ts_ = 0;
  // Escape rules of HELP: the text format undoes \\ and \n, OpenMetrics also \".
  bool help_unescapes_quote_ = false;
  std::string help_scratch_;
};

// A parser over `body` (which must outlive it). Never fails: errors surface
// from Next().
std::unique_ptr<Parser> NewParser(Format format, std::string_view body, ParserOptions options = {});

// Prometheus' parseFloat for sample values: Go's strconv.ParseFloat, except
// that 'p', 'P' and '_' are refused ("unsupported character in float"), so
// hex floats never parse. On error, the message Prometheus prints before
// " while parsing: …".
Result<double> ParseExpositionFloat(std::string_view s);

// Prometheus' normal NaN (0x7ff8000000000001), the only NaN parsers return.
double NormalNaN();

}  // namespace cairn::ingest::exposition
