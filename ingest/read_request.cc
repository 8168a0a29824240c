#include "ingest/read_request.h"

#include <snappy.h>

#include <string>

namespace cairn::ingest {

Result<prometheus::ReadRequest> DecodeReadRequest(std::string_view snappy_body, size_t max_decoded_bytes) {
  size_t len = 0;
  if (!snappy::GetUncompressedLength(snappy_body.data(), snappy_body.size(), &len))
    return Status::InvalidArgument("snappy decode error: invalid snappy block header");
  if (len > max_decoded_bytes)
    return Status::InvalidArgument("decoded read request of " + std::to_string(len) +
                                   " bytes exceeds the limit of " + std::to_string(max_decoded_bytes));
  std::string raw;
  if (!snappy::Uncompress(snappy_body.data(), snappy_body.size(), &raw))
    return Status::InvalidArgument("snappy decode error: corrupt snappy block");
  prometheus::ReadRequest req;
  if (!req.ParseFromString(raw)) return Status::InvalidArgument("malformed protobuf ReadRequest");
  return req;
}

Result<storage::Matchers> ToMatchers(const prometheus::Query& query, const storage::Labels& external_labels) {
  storage::Matchers out;
  out.reserve(query.matchers_size());
  for (const prometheus::LabelMatcher& m : query.matchers()) {
    storage::MatchType type;
    switch (m.type()) {
      case prometheus::LabelMatcher::EQ:
        type = storage::MatchType::kEqual;
        break;
      case prometheus::LabelMatcher::NEQ:
        type = storage::MatchType::kNotEqual;
        break;
      case prometheus::LabelMatcher::RE:
        type = storage::MatchType::kRegexMatch;
        break;
      case prometheus::LabelMatcher::NRE:
        type = storage::MatchType::kRegexNoMatch;
        break;
      default:
        return Status::InvalidArgument("invalid matcher type " + std::to_string(m.type()));
    }
    const bool external_equal = type == storage::MatchType::kEqual && !m.value().empty() &&
                                external_labels.Get(m.name()) == m.value();
    Result<storage::Matcher> matcher = storage::Matcher::Make(type, m.name(), external_equal ? "" : m.value());
    if (!matcher.ok()) return matcher.status();
    out.push_back(std::move(matcher).value());
  }
  return out;
}

storage::Labels WithExternalLabels(const storage::Labels& series, const storage::Labels& external_labels) {
  if (external_labels.empty()) return series;
  storage::Labels out = series;
  for (const storage::Label& l : external_labels)
    if (!out.Has(l.name)) out = out.With(l.name, l.value);
  return out;
}

storage::SelectHints ToSelectHints(const prometheus::Query& query) {
  storage::SelectHints h;
  h.start_ms = query.start_timestamp_ms();
  h.end_ms = query.end_timestamp_ms();
  if (query.has_hints()) {
    const prometheus::ReadHints& rh = query.hints();
    h.step_ms = rh.step_ms();
    h.func = rh.func();
    h.range_ms = rh.range_ms();
  }
  h.sorted = true;
  return h;
}

}  // namespace cairn::ingest
