// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum that
// frames of streamed remote read carry (big-endian on the wire).
// Pure function; safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::ingest {

// CRC-32C of `data`, continuing from `crc` (0 to start). Crc32c("123456789")
// is 0xE3069283.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

}  // namespace cairn::ingest
