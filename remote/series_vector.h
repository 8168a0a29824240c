// Series held in memory (RemoteSeries) served through the storage query
// faces: what a remote answered, and what the merge builds when local and
// remote data share a series. Also the set that only carries an error.
// Thread-safety: as storage/queryable.h (one thread per set).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "remote/read_response.h"
#include "storage/queryable.h"

namespace cairn::remote {

class VectorSeries final : public storage::Series {
 public:
  explicit VectorSeries(RemoteSeries s) : s_(std::move(s)) {}
  const storage::Labels& labels() const override { return s_.labels; }
  std::unique_ptr<storage::SeriesIterator> Iterator() const override;

 private:
  RemoteSeries s_;
};

// Series in the order given (callers sort them by labels).
class VectorSeriesSet final : public storage::SeriesSet {
 public:
  explicit VectorSeriesSet(std::vector<RemoteSeries> series, std::vector<std::string> warnings = {});
  bool Next() override;
  const storage::Series& At() const override { return series_[pos_ - 1]; }
  Status status() const override { return Status::OK(); }
  std::vector<std::string> Warnings() const override { return warnings_; }

 private:
  std::vector<VectorSeries> series_;
  size_t pos_ = 0;
  std::vector<std::string> warnings_;
};

// No series; status() is `error`.
class ErrorSeriesSet final : public storage::SeriesSet {
 public:
  explicit ErrorSeriesSet(Status error) : error_(std::move(error)) {}
  bool Next() override { return false; }
  const storage::Series& At() const override;
  Status status() const override { return error_; }

 private:
  Status error_;
};

}  // namespace cairn::remote
