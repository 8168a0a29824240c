#include "storage/series_load_ahead.h"

namespace cairn::storage {

SeriesLoadAhead::SeriesLoadAhead(size_t count, LoadFn load)
    : count_(count), load_(std::move(load)), thread_([this] { Run(); }) {}

SeriesLoadAhead::~SeriesLoadAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SeriesLoadAhead::Run() {
  std::vector<Loaded> batch;
  size_t last_size = 0;
  Status st;
  for (size_t i = 0; i < count_ && st.ok(); ++i) {
    auto samples = std::make_shared<std::vector<Sample>>();
    samples->reserve(last_size);
    st = load_(i, samples.get());
    if (st.ok() && !samples->empty()) {
      last_size = samples->size();
      batch.push_back({i, std::move(samples)});
    }
    if (batch.size() == kBatch || (i + 1 == count_ && !batch.empty())) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || ready_.size() < kMaxBatches; });
      if (stop_) return;
      ready_.push_back(std::move(batch));
      batch.clear();
      cv_.notify_all();
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  done_ = true;
  load_status_ = st;
  cv_.notify_all();
}

bool SeriesLoadAhead::Next(Loaded* out) {
  if (pos_ == current_.size()) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !ready_.empty() || done_; });
    if (ready_.empty()) {
      // Done. After a load error the query fails, so series loaded just
      // before it (an unsent part batch) are not handed out.
      status_ = load_status_;
      current_.clear();
      pos_ = 0;
      return false;
    }
    current_ = std::move(ready_.front());
    ready_.pop_front();
    pos_ = 0;
    cv_.notify_all();
  }
  *out = std::move(current_[pos_++]);
  return true;
}

}  // namespace cairn::storage
