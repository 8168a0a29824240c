#include "ingest/relabel.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <string>
#include <utility>

#include <re2/re2.h>

#include "ingest/go_unicode.h"
#include "ingest/md5.h"

namespace cairn::ingest {
namespace {

using storage::Label;

// Edits a sorted, unique-named label vector in place, the way Prometheus'
// labels.Builder does: Set with "" deletes. When `track_order` is on it also
// remembers which labels were set and in what order, because labelmap visits
// labels in Builder.Range order and, when two names map to one, the last
// visited wins.
class LabelEditor {
 public:
  LabelEditor(std::vector<Label>& labels, bool track_order) : labels_(labels), track_(track_order) {
    if (track_) set_seq_.assign(labels.size(), 0);
  }

  std::string_view Get(std::string_view name) const {
    auto it = Find(name);
    return it != labels_.end() && it->name == name ? std::string_view(it->value) : std::string_view();
  }

  void Set(std::string_view name, std::string value) {
    if (value.empty()) return Del(name);
    auto it = Find(name);
    const auto i = it - labels_.begin();
    if (it != labels_.end() && it->name == name) {
      it->value = std::move(value);
      if (track_ && set_seq_[i] == 0) set_seq_[i] = next_seq_++;
      return;
    }
    labels_.insert(it, Label{std::string(name), std::move(value)});
    if (track_) set_seq_.insert(set_seq_.begin() + i, next_seq_++);
  }

  void Del(std::string_view name) {
    auto it = Find(name);
    if (it == labels_.end() || it->name != name) return;
    if (track_) set_seq_.erase(set_seq_.begin() + (it - labels_.begin()));
    labels_.erase(it);
  }

  // Removes every label whose name `drop` accepts.
  template <typename Pred>
  void EraseNames(Pred drop) {
    size_t out = 0;
    for (size_t i = 0; i < labels_.size(); ++i) {
      if (drop(labels_[i].name)) continue;
      if (out != i) {
        labels_[out] = std::move(labels_[i]);
        if (track_) set_seq_[out] = set_seq_[i];
      }
      ++out;
    }
    labels_.resize(out);
    if (track_) set_seq_.resize(out);
  }

  // Indexes in labels.Builder.Range order: labels never set, by name, then
  // set ones in the order they were first set.
  std::vector<size_t> RangeOrder() const {
    std::vector<size_t> order(labels_.size());
    std::iota(order.begin(), order.end(), 0);
    if (track_) {
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const uint32_t sa = set_seq_[a], sb = set_seq_[b];
        if ((sa == 0) != (sb == 0)) return sa == 0;
        return sa < sb;
      });
    }
    return order;
  }

  const std::vector<Label>& labels() const { return labels_; }

 private:
  std::vector<Label>::iterator Find(std::string_view name) const {
    return std::lower_bound(labels_.begin(), labels_.end(), name,
                            [](const Label& l, std::string_view n) { return l.name < n; });
  }

  std::vector<Label>& labels_;
  const bool track_;
  std::vector<uint32_t> set_seq_;  // parallel to labels_ when tracking; 0 = not set since the start
  uint32_t next_seq_ = 1;
};

// Submatches of one regex match as views; a null data() marks a group that
// did not take part. Templates rarely read more than a few groups, so those
// stay on the stack.
class Submatches {
 public:
  // Runs `regex` on `text`, asking for `n` submatches. The default "(.*)"
  // matches anything with group 1 the whole text, so it skips RE2 (which, unlike
  // Go, would not match invalid UTF-8 with `.`).
  bool Match(const RelabelRegexp& regex, std::string_view text, int n) {
    // A null text would make every empty group look absent.
    if (text.data() == nullptr) text = std::string_view("", 0);
    n_ = static_cast<size_t>(n);
    if (regex.is_default()) {
      inline_views_[0] = inline_views_[1] = text;
      views_ = {inline_views_.data(), n_};
      return true;
    }
    const RE2& re = regex.re();
    if (n_ > kInline) {
      heap_pieces_.resize(n_);
      heap_views_.resize(n_);
    }
    re2::StringPiece* pieces = n_ > kInline ? heap_pieces_.data() : inline_pieces_.data();
    std::string_view* views = n_ > kInline ? heap_views_.data() : inline_views_.data();
    if (!re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::ANCHOR_BOTH, pieces, n)) {
      return false;
    }
    for (size_t i = 0; i < n_; ++i) views[i] = std::string_view(pieces[i].data(), pieces[i].size());
    views_ = {views, n_};
    return true;
  }
  std::span<const std::string_view> views() const { return views_; }

 private:
  static constexpr size_t kInline = 10;
  std::array<re2::StringPiece, kInline> inline_pieces_;
  std::array<std::string_view, kInline> inline_views_;
  std::vector<re2::StringPiece> heap_pieces_;
  std::vector<std::string_view> heap_views_;
  std::span<const std::string_view> views_;
  size_t n_ = 0;
};

// The source label values joined by the separator. A single source is a view
// of the label itself (valid until the next edit); more are joined in `buf`.
std::string_view JoinSources(const RelabelConfig& c, const LabelEditor& ed, std::string& buf) {
  if (c.source_labels.empty()) return {};
  if (c.source_labels.size() == 1) return ed.Get(c.source_labels[0]);
  buf.clear();
  for (size_t i = 0; i < c.source_labels.size(); ++i) {
    if (i > 0) buf += c.separator;
    buf += ed.Get(c.source_labels[i]);
  }
  return buf;
}

std::string HashMod(std::string_view value, uint64_t modulus) {
  // Upstream keeps only the digest's last 8 bytes, big-endian, so that
  // shards stay where older Prometheus versions put them.
  const Md5Digest digest = Md5(value);
  uint64_t h = 0;
  for (size_t i = 8; i < 16; ++i) h = (h << 8) | digest[i];
  return std::to_string(h % modulus);
}

void Replace(const RelabelRule& rule, std::string_view value, LabelEditor& ed, Submatches& sub) {
  if (!sub.Match(rule.config().regex, value, rule.submatches())) return;
  const ExpandTemplate& tt = rule.target_template();
  std::string expanded;
  std::string_view target = tt.literal();
  if (!tt.is_literal()) {
    tt.Expand(expanded, sub.views());
    target = expanded;
  }
  if (!storage::IsValidLabelName(target, rule.scheme())) return;
  std::string result;
  rule.replacement_template().Expand(result, sub.views());
  ed.Set(target, std::move(result));
}

void LabelMap(const RelabelRule& rule, LabelEditor& ed, Submatches& sub) {
  // Go visits a snapshot and sets as it goes; computing every new pair first
  // and then setting them in visit order ends in the same state.
  std::vector<Label> mapped;
  const auto& labels = ed.labels();
  for (size_t i : ed.RangeOrder()) {
    const Label& l = labels[i];
    if (!sub.Match(rule.config().regex, l.name, rule.submatches())) continue;
    std::string name;
    rule.replacement_template().Expand(name, sub.views());
    mapped.push_back({std::move(name), l.value});
  }
  for (Label& l : mapped) ed.Set(l.name, std::move(l.value));
}

// One rule; false when it drops the series.
bool Apply(const RelabelRule& rule, LabelEditor& ed, std::string& join_buf, Submatches& sub) {
  const RelabelConfig& c = rule.config();
  const std::string_view value = JoinSources(c, ed, join_buf);
  switch (c.action) {
    case RelabelAction::kDrop:
      return !c.regex.Matches(value);
    case RelabelAction::kKeep:
      return c.regex.Matches(value);
    case RelabelAction::kDropEqual:
      return ed.Get(c.target_label) != value;
    case RelabelAction::kKeepEqual:
      return ed.Get(c.target_label) == value;
    case RelabelAction::kReplace:
      Replace(rule, value, ed, sub);
      return true;
    case RelabelAction::kLowercase:
      ed.Set(c.target_label, ToLower(value));
      return true;
    case RelabelAction::kUppercase:
      ed.Set(c.target_label, ToUpper(value));
      return true;
    case RelabelAction::kHashMod:
      ed.Set(c.target_label, HashMod(value, c.modulus));
      return true;
    case RelabelAction::kLabelMap:
      LabelMap(rule, ed, sub);
      return true;
    case RelabelAction::kLabelDrop:
      ed.EraseNames([&](const std::string& name) { return c.regex.Matches(name); });
      return true;
    case RelabelAction::kLabelKeep:
      ed.EraseNames([&](const std::string& name) { return !c.regex.Matches(name); });
      return true;
  }
  return true;
}

}  // namespace

Result<RelabelRule> RelabelRule::Make(RelabelConfig config, storage::NameValidationScheme scheme) {
  CAIRN_RETURN_IF_ERROR(ValidateRelabelConfig(config, scheme));
  RelabelRule rule;
  const auto& names = config.regex.group_names();
  if (config.action == RelabelAction::kReplace) {
    rule.target_ = ExpandTemplate::Parse(config.target_label, names);
  }
  if (config.action == RelabelAction::kReplace || config.action == RelabelAction::kLabelMap) {
    rule.replacement_ = ExpandTemplate::Parse(config.replacement, names);
    rule.submatches_ = std::max(rule.target_.max_group(), rule.replacement_.max_group()) + 1;
  }
  rule.config_ = std::move(config);
  rule.scheme_ = scheme;
  return rule;
}

Result<std::vector<RelabelRule>> MakeRelabelRules(std::vector<RelabelConfig> configs,
                                                  storage::NameValidationScheme scheme) {
  std::vector<RelabelRule> rules;
  rules.reserve(configs.size());
  for (RelabelConfig& c : configs) {
    auto rule = RelabelRule::Make(std::move(c), scheme);
    if (!rule.ok()) return rule.status();
    rules.push_back(std::move(rule).value());
  }
  return rules;
}

RelabelResult Process(storage::Labels labels, std::span<const RelabelRule> rules) {
  const bool has_labelmap = std::any_of(rules.begin(), rules.end(), [](const RelabelRule& r) {
    return r.config().action == RelabelAction::kLabelMap;
  });
  std::vector<Label> edited = std::move(labels).Release();
  LabelEditor ed(edited, has_labelmap);
  std::string join_buf;
  Submatches sub;
  for (const RelabelRule& rule : rules) {
    if (!Apply(rule, ed, join_buf, sub)) return {storage::Labels(), false};
  }
  return {storage::Labels::FromSorted(std::move(edited)), true};
}

}  // namespace cairn::ingest
