// Labels: a series' identity, a set of (name, value) pairs sorted by name with
// unique names. The metric name is the label "__name__". This is Cairn's one
// label-set type; every layer passes it around.
// Thread-safety: a value type; const methods are safe from any thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cairn::storage {

inline constexpr std::string_view kMetricName = "__name__";

struct Label {
  std::string name;
  std::string value;
  friend bool operator==(const Label&, const Label&) = default;
};

class Labels {
 public:
  Labels() = default;
  // Sorts by name. Later duplicates of a name are dropped; callers that must
  // reject duplicates use Validate() on their raw input first.
  Labels(std::initializer_list<Label> labels);
  static Labels FromUnsorted(std::vector<Label> labels);
  // Precondition: sorted by name, unique names (checked in debug builds).
  static Labels FromSorted(std::vector<Label> labels);

  // Checks what a remote_write receiver checks: non-empty names matching
  // Prometheus' UTF-8 rules, valid UTF-8 values, sorted unique names.
  static Status Validate(const std::vector<Label>& labels);

  // Value of `name`, or "" when absent (Prometheus treats the two alike).
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricName); }

  size_t size() const { return labels_.size(); }
  bool empty() const { return labels_.empty(); }
  const Label& operator[](size_t i) const { return labels_[i]; }
  auto begin() const { return labels_.begin(); }
  auto end() const { return labels_.end(); }
  const std::vector<Label>& vec() const { return labels_; }
  // Moves the sorted pairs out, leaving this empty: for code that edits a
  // label set in place and rebuilds it with FromSorted, without a copy.
  std::vector<Label> Release() && { return std::move(labels_); }

  // Copies with one label set (empty value removes it) or removed.
  Labels With(std::string_view name, std::string_view value) const;
  Labels Without(std::string_view name) const;
  Labels WithoutMetricName() const { return Without(kMetricName); }
  // Keeps only / drops the given names (which need not be sorted).
  Labels Keep(const std::vector<std::string>& names) const;
  Labels Drop(const std::vector<std::string>& names) const;
  // Drop in place: removes the given names without copying the other labels.
  void Erase(std::initializer_list<std::string_view> names);

  // Prometheus' labels.Hash: XXH64 (seed 0) of name\xff value\xff ... for
  // every label in order. Equal to upstream's, so hash-driven choices such
  // as limit_ratio's pick the same series. Not persisted.
  uint64_t Hash() const;
  // Prometheus' text form: name{a="b", c="d"} or {a="b"} when there is no name;
  // values escaped as Go's %q does.
  std::string ToString() const;

  friend bool operator==(const Labels& a, const Labels& b) { return a.labels_ == b.labels_; }
  // Prometheus' labels.Compare order: by name then value, pairwise; shorter first.
  friend bool operator<(const Labels& a, const Labels& b) { return Compare(a, b) < 0; }
  static int Compare(const Labels& a, const Labels& b);

 private:
  std::vector<Label> labels_;
};

struct LabelsHash {
  size_t operator()(const Labels& l) const { return static_cast<size_t>(l.Hash()); }
};

// True when `name` is a valid legacy label name [a-zA-Z_][a-zA-Z0-9_]*.
bool IsLegacyLabelName(std::string_view name);

// Prometheus' model.ValidationScheme (metric_name_validation_scheme): which
// label names are valid. 3.x defaults to UTF-8: any non-empty valid UTF-8.
enum class NameValidationScheme { kUtf8, kLegacy };
bool IsValidLabelName(std::string_view name, NameValidationScheme scheme);
// True when `name` is a valid legacy metric name [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsLegacyMetricName(std::string_view name);
bool IsValidUtf8(std::string_view s);

}  // namespace cairn::storage
