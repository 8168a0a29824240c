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
Result<storage::Matchers> ToMatchers(const prometheus::Query& query);

// Hints for Querier::Select over the query's window, asking for sorted series.
storage::SelectHints ToSelectHints(const prometheus::Query& query);

}  // namespace cairn::ingest
