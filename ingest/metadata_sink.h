// MetadataSink: where remote write hands the metric metadata (type, help,
// unit per metric family) it receives. The server implements it to serve
// /api/v1/metadata; metadata is not sample data and is not WAL-critical.
// Thread-safety: implementations must be safe from any thread (concurrent
// write requests call it).
#pragma once

#include <string_view>

#include "storage/appender.h"

namespace cairn::ingest {

class MetadataSink {
 public:
  virtual ~MetadataSink() = default;
  // Latest wins. `family` is the metric family name (never empty).
  virtual void Record(std::string_view family, const storage::Metadata& md) = 0;
};

}  // namespace cairn::ingest
