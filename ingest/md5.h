// MD5 (RFC 1321) of a byte string, by OpenSSL. Relabeling's `hashmod` action takes it,
// as Prometheus does, to spread targets over shards; it is not used for
// anything that needs a secure hash. Pure function; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace cairn::ingest {

using Md5Digest = std::array<uint8_t, 16>;

Md5Digest Md5(std::string_view data);

}  // namespace cairn::ingest
