// MetadataStore: metric metadata (type, help, unit per metric family) as
// remote write delivers it, kept in memory (not persisted) to serve
// /api/v1/metadata. The most recent entry per family wins.
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "ingest/metadata_sink.h"
#include "storage/appender.h"

namespace cairn::server {

class MetadataStore final : public ingest::MetadataSink {
 public:
  void Record(std::string_view family, const storage::Metadata& md) override {
    std::lock_guard<std::mutex> lock(mu_);
    entries_[std::string(family)] = md;
  }
  // Every family, sorted by name.
  std::map<std::string, storage::Metadata> Snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, storage::Metadata> entries_;
};

}  // namespace cairn::server
