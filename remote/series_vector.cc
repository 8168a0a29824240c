#include "remote/series_vector.h"

#include <algorithm>
#include <cstdlib>

namespace cairn::remote {
namespace {

class VectorIterator final : public storage::SeriesIterator {
 public:
  explicit VectorIterator(const std::vector<storage::Sample>& samples) : samples_(samples) {}
  bool Next() override {
    if (pos_ > samples_.size()) return false;
    ++pos_;
    return pos_ <= samples_.size();
  }
  bool Seek(int64_t t_ms) override {
    if (pos_ > samples_.size()) return false;
    const size_t from = pos_ == 0 ? 0 : pos_ - 1;  // never moves backwards
    if (pos_ > 0 && samples_[from].t_ms >= t_ms) return true;
    auto it = std::lower_bound(samples_.begin() + static_cast<std::ptrdiff_t>(from), samples_.end(), t_ms,
                               [](const storage::Sample& s, int64_t t) { return s.t_ms < t; });
    pos_ = static_cast<size_t>(it - samples_.begin()) + 1;
    return pos_ <= samples_.size();
  }
  storage::Sample At() const override { return samples_[pos_ - 1]; }
  Status status() const override { return Status::OK(); }

 private:
  const std::vector<storage::Sample>& samples_;
  size_t pos_ = 0;  // 1 + index of the current sample; 0 before the first
};

}  // namespace

std::unique_ptr<storage::SeriesIterator> VectorSeries::Iterator() const {
  return std::make_unique<VectorIterator>(s_.samples);
}

VectorSeriesSet::VectorSeriesSet(std::vector<RemoteSeries> series, std::vector<std::string> warnings)
    : warnings_(std::move(warnings)) {
  series_.reserve(series.size());
  for (RemoteSeries& s : series) series_.emplace_back(std::move(s));
}

bool VectorSeriesSet::Next() {
  if (pos_ >= series_.size()) {
    pos_ = series_.size() + 1;
    return false;
  }
  ++pos_;
  return true;
}

const storage::Series& ErrorSeriesSet::At() const { std::abort(); }  // never valid: Next() is always false

}  // namespace cairn::remote
