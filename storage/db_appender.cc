#include "storage/db_appender.h"

#include <bit>

namespace cairn::storage {

Result<SeriesRef> DBAppender::Append(SeriesRef ref, const Labels& labels, int64_t t_ms, double v,
                                     const AppendOptions&) {
  if (!pin_.held()) pin_ = db_->reclaimer_.Enter();
  // A ref from an earlier Append skips the label lookup; every indexed series
  // has a head entry, so finding it there validates the ref.
  head::MemSeries* series = ref != 0 ? db_->FindMemSeries(ref) : nullptr;
  if (series == nullptr) {
    if (labels.empty()) return Status::InvalidArgument("empty label set");
    auto r = db_->GetOrCreateSeries(labels);
    if (!r.ok()) return r.status();
    ref = r->first;
    series = r->second;
  }
  if (series->Conflicts(t_ms, v)) {
    db_->duplicate_samples_total_.fetch_add(1, std::memory_order_relaxed);
    return Status::DuplicateSample("duplicate sample for timestamp " + std::to_string(t_ms) +
                                   " with a different value");
  }
  if (series->MayBeOnDisk(t_ms)) {
    // Out-of-order path only: the timestamp may be in a persisted chunk.
    auto bits = db_->FindOnDisk(ref, t_ms);
    if (!bits.ok()) return bits.status();
    if (bits->has_value()) {
      if (**bits == std::bit_cast<uint64_t>(v)) return ref;  // identical resend: already stored
      db_->duplicate_samples_total_.fetch_add(1, std::memory_order_relaxed);
      return Status::DuplicateSample("duplicate sample for timestamp " + std::to_string(t_ms) +
                                     " with a different value");
    }
  }
  pending_.push_back({series, t_ms, v});
  records_.push_back({ref, t_ms, v});
  return ref;
}

const Labels* DBAppender::SeriesLabels(SeriesRef ref) const { return db_->index_.GetLabels(ref); }

Status DBAppender::UpdateMetadata(const std::string& metric_family, const Metadata& md) {
  std::lock_guard<std::mutex> lock(db_->meta_mu_);
  db_->metadata_[metric_family] = md;
  return Status::OK();
}

Status DBAppender::Commit() {
  if (pending_.empty()) {
    Rollback();
    return Status::OK();
  }
  if (Status space = db_->CheckFreeSpace(); !space.ok()) {
    Rollback();
    return space;
  }
  std::string payload = wal::EncodeSamplesZstd(records_);
  const size_t bytes = payload.size();
  Status st;
  {
    auto lock = db_->LockForCommit();
    if (db_->closed_) {
      Rollback();
      return Status::Unavailable("storage is closed");
    }
    // A series CleanTombstones removed after Append found it comes back
    // (or its samples go to the series its labels have now).
    bool restored = false;
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (!pending_[i].series->removed()) continue;
      restored = true;
      auto r = db_->RestoreRemoved(pending_[i].series);
      if (!r.ok()) {
        st = r.status();
        break;
      }
      records_[i].ref = r->first;
      pending_[i].series = r->second;
    }
    if (!st.ok()) {
      Rollback();
      return st;
    }
    if (restored) payload = wal::EncodeSamplesZstd(records_);
    st = db_->wal_->Log({{static_cast<uint8_t>(wal::RecordType::kSamplesZstd), std::move(payload)}});
    if (st.ok()) st = db_->ApplySamples(pending_);
  }
  db_->wal_bytes_since_checkpoint_.fetch_add(bytes, std::memory_order_relaxed);
  Rollback();
  return st;
}

void DBAppender::Rollback() {
  pending_.clear();
  records_.clear();
  pin_.Release();
}

}  // namespace cairn::storage
