// Parsing of the HTTP headers that select a remote-write wire format:
// Content-Type (`application/x-protobuf;proto=...`) and Content-Encoding.
// Pure functions; safe from any thread.
#pragma once

#include <string_view>

#include "ingest/write_request_decoder.h"
#include "util/status.h"

namespace cairn::ingest {

inline constexpr std::string_view kProtoWriteV1 = "prometheus.WriteRequest";
inline constexpr std::string_view kProtoWriteV2 = "io.prometheus.write.v2.Request";

// Media type `application/x-protobuf` (or none) with an optional `proto=`
// parameter: absent or prometheus.WriteRequest → 1.0,
// io.prometheus.write.v2.Request → 2.0. Anything else is Unsupported (the
// receiver answers 415).
Result<RemoteWriteVersion> ParseRemoteWriteContentType(std::string_view content_type);

// True for "snappy" (any case) and for an absent header, which senders use
// for snappy too.
bool IsSnappyEncoding(std::string_view content_encoding);

}  // namespace cairn::ingest
