// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by the WAL
// records and remote read frames. Software slicing-by-8.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::storage::wal {

// Extends `crc` (the CRC of earlier bytes; 0 for none) over `data`.
uint32_t Crc32cExtend(uint32_t crc, std::string_view data);
inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

}  // namespace cairn::storage::wal
