#include "ingest/remote_write.h"

#include <snappy.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "ingest/content_negotiation.h"
#include "ingest/write_request_decoder.h"
#include "storage/labels.h"

namespace cairn::ingest {
namespace {

constexpr std::string_view kReasonEmptyName = "empty label name";
constexpr std::string_view kReasonUtf8 = "invalid UTF-8 in labels";
constexpr std::string_view kReasonDuplicateName = "duplicate label name";
constexpr std::string_view kReasonUnsorted = "labels not sorted by name";
constexpr std::string_view kReasonNoName = "missing metric name";
constexpr std::string_view kReasonHistograms = "native histograms not supported";
constexpr std::string_view kReasonDuplicateSample = "duplicate sample for timestamp";
constexpr std::string_view kReasonInvalidSample = "invalid sample";

// ASCII (the common case) is checked 8 bytes at a time before the full
// UTF-8 check.
bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL) return storage::IsValidUtf8(s);
  }
  for (; i < s.size(); ++i)
    if (static_cast<uint8_t>(s[i]) >= 0x80) return storage::IsValidUtf8(s);
  return true;
}

// The label limits, over the label set as stored (empty values dropped).
// Returns the reason and sets `detail` ("... (actual: 31, limit: 30)"), or an
// empty view when within them.
std::string_view CheckLabelLimits(const std::vector<storage::Label>& ls, const LabelLimits& lim, std::string* detail) {
  auto over = [&](std::string_view reason, std::string what, size_t actual, size_t limit) {
    *detail = what + " (actual: " + std::to_string(actual) + ", limit: " + std::to_string(limit) + ")";
    return reason;
  };
  if (lim.max_label_names_per_series > 0 && ls.size() > lim.max_label_names_per_series)
    return over(kReasonMaxLabelNames, "series has too many labels", ls.size(), lim.max_label_names_per_series);
  for (const storage::Label& l : ls) {
    if (lim.max_label_name_length > 0 && l.name.size() > lim.max_label_name_length)
      return over(kReasonMaxLabelNameLength, "label name too long: " + l.name.substr(0, 64), l.name.size(),
                  lim.max_label_name_length);
    if (lim.max_label_value_length > 0 && l.value.size() > lim.max_label_value_length)
      return over(kReasonMaxLabelValueLength, "label value of " + l.name + " too long", l.value.size(),
                  lim.max_label_value_length);
  }
  return {};
}

// Checks one series' wire labels and builds the sorted label set, dropping
// labels with empty values (an empty value means "absent" in Prometheus).
// Returns the rejection reason, or an empty view when the labels are good.
std::string_view CheckLabels(const std::vector<LabelView>& in, std::vector<storage::Label>* out) {
  out->clear();
  out->reserve(in.size());
  bool has_name = false;
  for (size_t i = 0; i < in.size(); ++i) {
    const LabelView& l = in[i];
    if (l.name.empty()) return kReasonEmptyName;
    if (!ValidUtf8(l.name) || !ValidUtf8(l.value)) return kReasonUtf8;
    if (i > 0) {
      const int c = in[i - 1].name.compare(l.name);
      if (c == 0) return kReasonDuplicateName;
      if (c > 0) return kReasonUnsorted;
    }
    if (l.value.empty()) continue;
    if (!has_name && l.name == storage::kMetricName) has_name = true;
    out->push_back({std::string(l.name), std::string(l.value)});
  }
  if (!has_name) return kReasonNoName;
  return {};
}

// True when the wire labels are exactly `stored` (same order, no empty
// values, a metric name): then they pass CheckLabels, as `stored` was
// validated when its series was created.
bool SameLabels(const std::vector<LabelView>& wire, const storage::Labels& stored) {
  if (wire.size() != stored.size()) return false;
  bool has_name = false;
  for (size_t i = 0; i < wire.size(); ++i) {
    const storage::Label& l = stored[i];
    if (wire[i].value.empty() || wire[i].name != l.name || wire[i].value != l.value) return false;
    if (!has_name && l.name == storage::kMetricName) has_name = true;
  }
  return has_name;
}

// {a="b", ...} of raw wire labels for error messages, cut at ~200 bytes.
std::string DescribeLabels(const std::vector<LabelView>& labels) {
  std::string s = "{";
  for (const LabelView& l : labels) {
    if (s.size() > 1) s += ", ";
    s.append(l.name).append("=\"").append(l.value).append("\"");
    if (s.size() > 200) {
      s.resize(200);
      s += "...";
      break;
    }
  }
  s += "}";
  return s;
}

class AppendingVisitor final : public WriteRequestVisitor {
 public:
  AppendingVisitor(storage::Appender& app, MetadataSink* sink, const LabelLimits& limits, SeriesRefCache* refs,
                   WriteOutcome* out)
      : app_(app), sink_(sink), limits_(limits), refs_(refs), out_(out) {}

  Status OnSeries(const SeriesView& s) override {
    if (s.samples.empty() && s.histograms == 0) return Status::OK();
    if (s.histograms > 0) Reject(kReasonHistograms, s.histograms, s.labels);
    if (s.samples.empty()) return Status::OK();
    // A series seen before (same wire labels) appends by its ref: no label
    // checks, copies or index lookup by labels.
    uint64_t hash = 0;
    storage::SeriesRef cached = 0;
    const storage::Labels* labels = nullptr;
    if (refs_ != nullptr) {
      hash = SeriesRefCache::Hash(s.labels);
      cached = refs_->Get(hash);
      if (cached != 0) {
        labels = app_.SeriesLabels(cached);
        if (labels == nullptr || !SameLabels(s.labels, *labels)) labels = nullptr;
      }
    }
    storage::Labels built;
    if (labels == nullptr) {
      cached = 0;
      std::string_view reason = CheckLabels(s.labels, &scratch_);
      if (!reason.empty()) {
        Reject(reason, static_cast<int64_t>(s.samples.size()), s.labels);
        return Status::OK();
      }
      // A cached series passed these when it was first written.
      std::string detail;
      reason = CheckLabelLimits(scratch_, limits_, &detail);
      if (!reason.empty()) {
        Reject(reason, static_cast<int64_t>(s.samples.size()),
               FirstOf(reason) ? detail + " " + DescribeLabels(s.labels) : std::string());
        return Status::OK();
      }
      built = storage::Labels::FromSorted(std::move(scratch_));
      scratch_ = {};
      labels = &built;
    }
    storage::SeriesRef ref = cached;
    storage::AppendOptions opts;
    for (size_t i = 0; i < s.samples.size(); ++i) {
      const DecodedSample& sample = s.samples[i];
      opts.start_t_ms = sample.start_t_ms;
      Result<storage::SeriesRef> r = app_.Append(ref, *labels, sample.t_ms, sample.v, opts);
      if (r.ok()) {
        ref = *r;
        ++appended_;
        // Cached only when the wire form is the stored one (no empty values
        // dropped), so that the next lookup can be confirmed.
        if (refs_ != nullptr && ref != cached && labels->size() == s.labels.size()) {
          // A storage that cannot confirm refs (SeriesLabels) could never use
          // the entry: stop caching for this request.
          if (!confirms_refs_.has_value()) confirms_refs_ = app_.SeriesLabels(ref) != nullptr;
          if (*confirms_refs_) {
            refs_->Put(hash, ref);
            cached = ref;
          } else {
            refs_ = nullptr;
          }
        }
        continue;
      }
      switch (r.status().code()) {
        case StatusCode::kDuplicateSample:
          Reject(kReasonDuplicateSample, 1, r.status().message());
          break;
        case StatusCode::kInvalidArgument:
          Reject(kReasonInvalidSample, 1, r.status().message());
          break;
        case StatusCode::kResourceExhausted:
          // A new series past --storage.max-series: none of its samples can
          // be stored, so the rest of them are refused without asking again.
          Reject(kReasonMaxSeries, static_cast<int64_t>(s.samples.size() - i),
                 FirstOf(kReasonMaxSeries) ? r.status().message() + " " + DescribeLabels(s.labels) : std::string());
          return Status::OK();
        default:
          storage_error_ = r.status();
          return r.status();
      }
    }
    // 2.0 repeats metadata on every series of a family; record it once per
    // run of equal entries, and not at all when it says nothing.
    if (s.has_metadata && (s.metadata.type != storage::MetricType::kUnknown || !s.metadata.help.empty() ||
                           !s.metadata.unit.empty())) {
      const MetadataView& md = s.metadata;
      if (md.family != last_md_.family || md.type != last_md_.type || md.help != last_md_.help ||
          md.unit != last_md_.unit) {
        last_md_ = md;  // views into the request body, which outlives the visitor
        return OnMetadata(md);
      }
    }
    return Status::OK();
  }

  Status OnMetadata(const MetadataView& md) override {
    if (md.family.empty()) return Status::OK();
    storage::Metadata m{md.type, std::string(md.help), std::string(md.unit)};
    if (sink_ != nullptr) {
      sink_->Record(md.family, m);
    } else {
      // Metadata is advisory; failing to keep it must not fail the samples.
      Status ignored = app_.UpdateMetadata(std::string(md.family), m);
      (void)ignored;
    }
    return Status::OK();
  }

  void Reject(std::string_view reason, int64_t n, std::string example) {
    out_->samples_rejected += n;
    auto [it, inserted] = out_->rejected_by_reason.try_emplace(std::string(reason), 0);
    it->second += n;
    if (inserted) examples_[it->first] = std::move(example);
  }
  // As above with the series' labels as the example, described only for the
  // first series rejected for `reason`.
  void Reject(std::string_view reason, int64_t n, const std::vector<LabelView>& labels) {
    Reject(reason, n, FirstOf(reason) ? DescribeLabels(labels) : std::string());
  }
  // No sample was rejected for `reason` yet (its example is still to be made).
  bool FirstOf(std::string_view reason) const {
    return out_->rejected_by_reason.find(std::string(reason)) == out_->rejected_by_reason.end();
  }

  int64_t appended() const { return appended_; }
  const Status& storage_error() const { return storage_error_; }

  // "N samples rejected, M written; reason: count (e.g. ...); ..."
  std::string RejectionMessage(int64_t written) const {
    std::string msg = std::to_string(out_->samples_rejected) + " samples rejected, " + std::to_string(written) +
                      " written";
    for (const auto& [reason, n] : out_->rejected_by_reason) {
      msg += "; " + reason + ": " + std::to_string(n);
      auto it = examples_.find(reason);
      if (it != examples_.end() && !it->second.empty()) msg += " (e.g. " + it->second + ")";
    }
    return msg;
  }

 private:
  storage::Appender& app_;
  MetadataSink* sink_;
  const LabelLimits& limits_;
  SeriesRefCache* refs_;
  std::optional<bool> confirms_refs_;  // known after the first Put candidate
  WriteOutcome* out_;
  std::vector<storage::Label> scratch_;
  std::map<std::string, std::string> examples_;
  MetadataView last_md_;
  int64_t appended_ = 0;
  Status storage_error_;
};

WriteOutcome Fail(WriteOutcome out, int status, std::string message) {
  out.http_status = status;
  out.message = std::move(message);
  out.samples_written = out.histograms_written = out.exemplars_written = 0;
  return out;
}

int StorageErrorStatus(const Status& st) { return st.code() == StatusCode::kUnavailable ? 503 : 500; }

}  // namespace

WriteOutcome HandleRemoteWrite(std::string_view body, std::string_view content_type,
                               std::string_view content_encoding, storage::Appendable& db,
                               MetadataSink* metadata, const RemoteWriteLimits& limits, SeriesRefCache* refs) {
  WriteOutcome out;
  Result<RemoteWriteVersion> version = ParseRemoteWriteContentType(content_type);
  if (!version.ok()) return Fail(std::move(out), 415, version.status().message());
  out.v2 = *version == RemoteWriteVersion::kV2;
  if (!IsSnappyEncoding(content_encoding))
    return Fail(std::move(out), 415,
                "unsupported Content-Encoding \"" + std::string(content_encoding) + "\"; only snappy is accepted");
  if (body.size() > limits.max_compressed_bytes)
    return Fail(std::move(out), 413,
                "request body of " + std::to_string(body.size()) + " bytes exceeds the limit of " +
                    std::to_string(limits.max_compressed_bytes));

  size_t decoded_size = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &decoded_size))
    return Fail(std::move(out), 400, "snappy decode error: invalid snappy block header");
  if (decoded_size > limits.max_decoded_bytes)
    return Fail(std::move(out), 413,
                "decoded request of " + std::to_string(decoded_size) + " bytes exceeds the limit of " +
                    std::to_string(limits.max_decoded_bytes));
  std::unique_ptr<char[]> decoded(new char[decoded_size == 0 ? 1 : decoded_size]);
  if (!snappy::RawUncompress(body.data(), body.size(), decoded.get()))
    return Fail(std::move(out), 400, "snappy decode error: corrupt snappy block");

  return ApplyWriteRequest(std::string_view(decoded.get(), decoded_size), *version, db, metadata, limits.labels,
                           refs);
}

WriteOutcome ApplyWriteRequest(std::string_view message, RemoteWriteVersion version, storage::Appendable& db,
                               MetadataSink* metadata, const LabelLimits& label_limits, SeriesRefCache* refs) {
  WriteOutcome out;
  out.v2 = version == RemoteWriteVersion::kV2;
  std::unique_ptr<storage::Appender> app = db.NewAppender();
  AppendingVisitor visitor(*app, metadata, label_limits, refs, &out);
  Status st = DecodeWriteRequest(message, version, visitor);
  if (!st.ok()) {
    app->Rollback();
    if (!visitor.storage_error().ok())
      return Fail(std::move(out), StorageErrorStatus(st), "storage error: " + st.message());
    return Fail(std::move(out), 400, "bad remote write request: " + st.message());
  }

  int64_t written = visitor.appended();
  Status commit = app->Commit();
  if (!commit.ok()) {
    if (commit.code() != StatusCode::kDuplicateSample && commit.code() != StatusCode::kInvalidArgument)
      return Fail(std::move(out), StorageErrorStatus(commit), "storage error: " + commit.message());
    // A storage that finds conflicts only at commit still stored the rest;
    // at least one sample was refused.
    visitor.Reject(commit.code() == StatusCode::kDuplicateSample ? kReasonDuplicateSample : kReasonInvalidSample,
                   1, commit.message());
    written = std::max<int64_t>(0, written - 1);
  }
  out.samples_written = written;
  if (out.samples_rejected > 0) {
    out.http_status = 400;
    out.message = visitor.RejectionMessage(written);
  }
  return out;
}

}  // namespace cairn::ingest
