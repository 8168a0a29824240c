#include "storage/db_querier.h"

#include <algorithm>
#include <set>

#include "storage/chunk/chunk_format.h"

namespace cairn::storage {
namespace {

// Iterates a shared, immutable sample vector.
class VectorIterator final : public SeriesIterator {
 public:
  explicit VectorIterator(std::shared_ptr<const std::vector<Sample>> samples) : samples_(std::move(samples)) {}

  bool Next() override {
    if (!started_) {
      started_ = true;
    } else if (pos_ < samples_->size()) {
      ++pos_;
    }
    return pos_ < samples_->size();
  }
  bool Seek(int64_t t_ms) override {
    if (started_ && pos_ < samples_->size() && (*samples_)[pos_].t_ms >= t_ms) return true;
    started_ = true;
    pos_ = static_cast<size_t>(
        std::lower_bound(samples_->begin() + static_cast<std::ptrdiff_t>(pos_), samples_->end(), t_ms,
                         [](const Sample& s, int64_t t) { return s.t_ms < t; }) -
        samples_->begin());
    return pos_ < samples_->size();
  }
  Sample At() const override { return (*samples_)[pos_]; }
  Status status() const override { return Status::OK(); }

 private:
  std::shared_ptr<const std::vector<Sample>> samples_;
  size_t pos_ = 0;
  bool started_ = false;
};

}  // namespace

class DBSeriesSet::VectorSeries final : public Series {
 public:
  VectorSeries(const Labels* labels, std::shared_ptr<const std::vector<Sample>> samples)
      : labels_(labels), samples_(std::move(samples)) {}
  const Labels& labels() const override { return *labels_; }
  std::unique_ptr<SeriesIterator> Iterator() const override { return std::make_unique<VectorIterator>(samples_); }

 private:
  const Labels* labels_;
  std::shared_ptr<const std::vector<Sample>> samples_;
};

std::vector<std::pair<const Labels*, SeriesRef>> SortedSeries(const index::SeriesIndex& index,
                                                              const Matchers& matchers) {
  std::vector<std::pair<const Labels*, SeriesRef>> out;
  for (SeriesRef ref : index.Select(matchers)) {
    if (const Labels* ls = index.GetLabels(ref)) out.emplace_back(ls, ref);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
  return out;
}

DBQuerier::DBQuerier(DB* db, int64_t min_t_ms, int64_t max_t_ms)
    : db_(db), min_t_ms_(min_t_ms), max_t_ms_(max_t_ms), reader_(db->store_->NewReader(min_t_ms, max_t_ms)) {}

std::unique_ptr<SeriesSet> DBQuerier::Select(const SelectHints& hints, const Matchers& matchers) {
  return std::make_unique<DBSeriesSet>(db_, reader_.get(), min_t_ms_, max_t_ms_,
                                       SortedSeries(db_->index_, matchers), hints.limit);
}

Result<std::vector<std::string>> DBQuerier::LabelValues(const std::string& name, const Matchers& matchers) {
  std::vector<std::string> out;
  if (matchers.empty()) {
    for (const std::string& value : db_->index_.LabelValues(name)) {
      for (SeriesRef ref : db_->index_.PostingsFor(name, value)) {
        if (db_->HasData(ref, min_t_ms_, max_t_ms_, reader_.get())) {
          out.push_back(value);
          break;
        }
      }
    }
    return out;
  }
  std::set<std::string> values;
  for (SeriesRef ref : db_->index_.Select(matchers)) {
    const Labels* ls = db_->index_.GetLabels(ref);
    if (ls == nullptr || !ls->Has(name) || values.count(std::string(ls->Get(name)))) continue;
    if (db_->HasData(ref, min_t_ms_, max_t_ms_, reader_.get())) values.emplace(ls->Get(name));
  }
  return std::vector<std::string>(values.begin(), values.end());
}

Result<std::vector<std::string>> DBQuerier::LabelNames(const Matchers& matchers) {
  std::set<std::string> names;
  if (matchers.empty()) {
    for (const std::string& name : db_->index_.LabelNames()) {
      auto values = LabelValues(name, {});
      if (!values.ok()) return values.status();
      if (!values->empty()) names.insert(name);
    }
  } else {
    for (SeriesRef ref : db_->index_.Select(matchers)) {
      const Labels* ls = db_->index_.GetLabels(ref);
      if (ls == nullptr || !db_->HasData(ref, min_t_ms_, max_t_ms_, reader_.get())) continue;
      for (const Label& l : *ls) names.insert(l.name);
    }
  }
  return std::vector<std::string>(names.begin(), names.end());
}

namespace {
// Below this many series, a loader thread costs more than it overlaps.
constexpr size_t kLoadAheadMinSeries = 256;
}  // namespace

DBSeriesSet::DBSeriesSet(const DB* db, ChunkStore::Reader* reader, int64_t min_t_ms, int64_t max_t_ms,
                         std::vector<std::pair<const Labels*, SeriesRef>> series, size_t limit)
    : db_(db), reader_(reader), min_t_ms_(min_t_ms), max_t_ms_(max_t_ms), series_(std::move(series)),
      limit_(limit) {
  if (series_.size() >= kLoadAheadMinSeries && (limit_ == 0 || limit_ >= kLoadAheadMinSeries)) {
    // The loader thread gets a RocksDB reader of its own: a Reader belongs
    // to one thread.
    std::shared_ptr<ChunkStore::Reader> own(db_->store_->NewReader(min_t_ms_, max_t_ms_));
    ahead_ = std::make_unique<SeriesLoadAhead>(series_.size(), [this, own](size_t i, std::vector<Sample>* out) {
      return db_->LoadSamples(series_[i].second, min_t_ms_, max_t_ms_, own.get(), out);
    });
  }
}

DBSeriesSet::~DBSeriesSet() = default;

bool DBSeriesSet::Next() {
  if (!status_.ok() || (limit_ > 0 && returned_ >= limit_)) return false;
  if (ahead_) {
    current_.reset();
    SeriesLoadAhead::Loaded l;
    if (!ahead_->Next(&l)) {
      status_ = ahead_->status();
      return false;
    }
    current_ = std::make_unique<VectorSeries>(series_[l.index].first, std::move(l.samples));
    ++returned_;
    return true;
  }
  while (next_ < series_.size()) {
    const auto& [labels, ref] = series_[next_++];
    // Reuse the last series' buffer unless an iterator still shares it.
    current_.reset();
    if (!samples_ || samples_.use_count() > 1) samples_ = std::make_shared<std::vector<Sample>>();
    status_ = db_->LoadSamples(ref, min_t_ms_, max_t_ms_, reader_, samples_.get());
    if (!status_.ok()) return false;
    if (samples_->empty()) continue;
    current_ = std::make_unique<VectorSeries>(labels, samples_);
    ++returned_;
    return true;
  }
  return false;
}

const Series& DBSeriesSet::At() const { return *current_; }

DBChunkSeriesSet::DBChunkSeriesSet(DB* db, int64_t min_t_ms, int64_t max_t_ms, const Matchers& matchers)
    : db_(db), min_t_ms_(min_t_ms), max_t_ms_(max_t_ms), reader_(db->store_->NewReader(min_t_ms, max_t_ms)),
      series_(SortedSeries(db->index_, matchers)) {}

bool DBChunkSeriesSet::Next() {
  if (!status_.ok()) return false;
  while (next_ < series_.size()) {
    status_ = Load(series_[next_++].second);
    if (!status_.ok()) return false;
    if (!chunks_.empty()) return true;
  }
  return false;
}

Status DBChunkSeriesSet::Load(SeriesRef ref) {
  chunks_.clear();
  std::vector<head::ChunkData> raw;
  std::vector<Sample> ooo;
  CAIRN_RETURN_IF_ERROR(db_->LoadChunks(ref, min_t_ms_, max_t_ms_, reader_.get(), &raw, &ooo));
  std::sort(raw.begin(), raw.end(), [](const auto& a, const auto& b) { return a.min_t_ms < b.min_t_ms; });
  const size_t per_chunk = static_cast<size_t>(db_->opts_.samples_per_chunk);
  bool disjoint = ooo.empty() && db_->TombstonesFor(ref).empty();
  for (size_t i = 1; disjoint && i < raw.size(); ++i) disjoint = raw[i - 1].max_t_ms < raw[i].min_t_ms;
  if (disjoint) {
    // Whole XOR chunks go out as stored; chunks the window cuts and dense
    // blocks are transcoded into XOR chunks of at most samples_per_chunk.
    std::vector<chunk::XorChunk> pieces;
    for (auto& c : raw) {
      if (c.format == chunk::Format::kXor && c.min_t_ms >= min_t_ms_ && c.max_t_ms <= max_t_ms_) {
        chunks_.push_back({c.min_t_ms, c.max_t_ms, EncodedChunk::Encoding::kXOR, std::move(c.data)});
        continue;
      }
      pieces.clear();
      CAIRN_RETURN_IF_ERROR(chunk::ToXorChunks(c.format, c.data, min_t_ms_, max_t_ms_, per_chunk, &pieces));
      for (const chunk::XorChunk& p : pieces) {
        chunks_.push_back({p.min_t_ms(), p.max_t_ms(), EncodedChunk::Encoding::kXOR, std::string(p.bytes())});
      }
    }
    return Status::OK();
  }
  // Cut to the window or merged with out-of-order data: re-encode.
  std::vector<Sample> samples;
  CAIRN_RETURN_IF_ERROR(db_->LoadSamples(ref, min_t_ms_, max_t_ms_, reader_.get(), &samples));
  std::vector<chunk::XorChunk> pieces;
  chunk::SamplesToXorChunks(samples, per_chunk, &pieces);
  for (const chunk::XorChunk& p : pieces) {
    chunks_.push_back({p.min_t_ms(), p.max_t_ms(), EncodedChunk::Encoding::kXOR, std::string(p.bytes())});
  }
  return Status::OK();
}

}  // namespace cairn::storage
