// Decoding of remote-read requests: the snappy-compressed
// `prometheus.ReadRequest` body, and each Query's matchers and hints turned
// into the storage API's terms. Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "proto/remote.pb.h"
#include "storage/matcher.h"
#include "storage/queryable.h"
#include "util/status.h"

namespace cairn::ingest {

// Snappy-decodes and parses a ReadRequest. InvalidArgument when the body is
// not snappy, decodes to more than `max_decoded_bytes`, or is not a valid
// ReadRequest.
Result<prometheus::ReadRequest> DecodeReadRequest(std::string_view snappy_body, size_t max_decoded_bytes);

// The query's matchers; InvalidArgument for a bad regex or unknown type.
// An equality matcher on an external label with that label's value is
// rewritten to match the empty value (our own series do not carry external
// labels), as upstream does.
Result<storage::Matchers> ToMatchers(const prometheus::Query& query, const storage::Labels& external_labels = {});

// `series` with every external label it does not have itself added.
storage::Labels WithExternalLabels(const storage::Labels& series, const storage::Labels& external_labels);

// Hints for Querier::Select over the query's window, asking for sorted series.
storage::SelectHints ToSelectHints(const prometheus::Query& query);

}  // namespace cairn::ingest
