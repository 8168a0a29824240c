// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of WAL
// records (storage/wal) and of streamed remote read frames (ingest, sent
// big-endian on the wire). Software slicing-by-8.
// Thread-safety: pure function; safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn {

// CRC-32C of `data`, continuing from `crc`, the CRC of the bytes before it
// (0 to start): Crc32c(b, Crc32c(a)) == Crc32c(a + b). Crc32c("123456789") is
// 0xE3069283.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

}  // namespace cairn
