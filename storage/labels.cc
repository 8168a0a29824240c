#include "storage/labels.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <memory>
#include <span>

#include <xxhash.h>

namespace cairn::storage {

namespace {
bool NameLess(const Label& a, const Label& b) { return a.name < b.name; }

void AppendQuoted(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static const char* kHex = "0123456789abcdef";
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}
}  // namespace

Labels::Labels(std::initializer_list<Label> labels) : Labels(FromUnsorted(std::vector<Label>(labels))) {}

Labels Labels::FromUnsorted(std::vector<Label> labels) {
  std::stable_sort(labels.begin(), labels.end(), NameLess);
  labels.erase(std::unique(labels.begin(), labels.end(),
                           [](const Label& a, const Label& b) { return a.name == b.name; }),
               labels.end());
  Labels out;
  out.labels_ = std::move(labels);
  return out;
}

Labels Labels::FromSorted(std::vector<Label> labels) {
  assert(std::adjacent_find(labels.begin(), labels.end(), [](const Label& a, const Label& b) {
           return !(a.name < b.name);
         }) == labels.end());
  Labels out;
  out.labels_ = std::move(labels);
  return out;
}

Status Labels::Validate(const std::vector<Label>& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    const Label& l = labels[i];
    if (l.name.empty()) return Status::InvalidArgument("label name is empty");
    if (!IsValidUtf8(l.name)) return Status::InvalidArgument("invalid label name: not valid UTF-8");
    if (!IsValidUtf8(l.value))
      return Status::InvalidArgument("invalid value for label \"" + l.name + "\": not valid UTF-8");
    if (i > 0) {
      if (labels[i - 1].name == l.name)
        return Status::InvalidArgument("duplicate label name \"" + l.name + "\"");
      if (labels[i - 1].name > l.name)
        return Status::InvalidArgument("labels are not sorted: \"" + labels[i - 1].name +
                                       "\" before \"" + l.name + "\"");
    }
  }
  return Status::OK();
}

std::string_view Labels::Get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) return it->value;
  return {};
}

bool Labels::Has(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  return it != labels_.end() && it->name == name;
}

Labels Labels::With(std::string_view name, std::string_view value) const {
  Labels out;
  out.labels_.reserve(labels_.size() + 1);
  bool placed = false;
  for (const Label& l : labels_) {
    if (!placed && l.name >= name) {
      placed = true;
      if (!value.empty()) out.labels_.push_back({std::string(name), std::string(value)});
      if (l.name == name) continue;
    }
    out.labels_.push_back(l);
  }
  if (!placed && !value.empty()) out.labels_.push_back({std::string(name), std::string(value)});
  return out;
}

Labels Labels::Without(std::string_view name) const {
  Labels out;
  out.labels_.reserve(labels_.size());
  for (const Label& l : labels_)
    if (l.name != name) out.labels_.push_back(l);
  return out;
}

Labels Labels::Keep(const std::vector<std::string>& names) const {
  Labels out;
  for (const Label& l : labels_)
    if (std::find(names.begin(), names.end(), l.name) != names.end()) out.labels_.push_back(l);
  return out;
}

Labels Labels::Drop(const std::vector<std::string>& names) const {
  Labels out;
  for (const Label& l : labels_)
    if (std::find(names.begin(), names.end(), l.name) == names.end()) out.labels_.push_back(l);
  return out;
}

void Labels::Erase(std::initializer_list<std::string_view> names) {
  std::erase_if(labels_, [&](const Label& l) { return std::find(names.begin(), names.end(), l.name) != names.end(); });
}

uint64_t Labels::Hash() const {
  // The separator keeps ("ab","c") != ("a","bc"). Most label sets fit the
  // stack buffer and hash in one call; longer ones stream (same result).
  static constexpr char kSep = '\xff';
  char buf[1024];
  size_t n = 0;
  for (const Label& l : labels_) {
    if (n + l.name.size() + l.value.size() + 2 > sizeof(buf)) {
      std::unique_ptr<XXH64_state_t, decltype(&XXH64_freeState)> state(XXH64_createState(), &XXH64_freeState);
      XXH64_reset(state.get(), 0);
      XXH64_update(state.get(), buf, n);
      for (const Label& rest : std::span(labels_).subspan(&l - labels_.data())) {
        XXH64_update(state.get(), rest.name.data(), rest.name.size());
        XXH64_update(state.get(), &kSep, 1);
        XXH64_update(state.get(), rest.value.data(), rest.value.size());
        XXH64_update(state.get(), &kSep, 1);
      }
      return XXH64_digest(state.get());
    }
    std::memcpy(buf + n, l.name.data(), l.name.size());
    n += l.name.size();
    buf[n++] = kSep;
    std::memcpy(buf + n, l.value.data(), l.value.size());
    n += l.value.size();
    buf[n++] = kSep;
  }
  return XXH64(buf, n, 0);
}

std::string Labels::ToString() const {
  std::string out;
  std::string_view name = MetricName();
  bool legacy_name = !name.empty() && IsLegacyMetricName(name);
  if (legacy_name) out += name;
  out += '{';
  bool first = true;
  for (const Label& l : labels_) {
    if (legacy_name && l.name == kMetricName) continue;
    if (!first) out += ", ";
    first = false;
    if (IsLegacyLabelName(l.name)) {
      out += l.name;
    } else {
      AppendQuoted(out, l.name);
    }
    out += '=';
    AppendQuoted(out, l.value);
  }
  out += '}';
  return out;
}

int Labels::Compare(const Labels& a, const Labels& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = a[i].name.compare(b[i].name); c != 0) return c < 0 ? -1 : 1;
    if (int c = a[i].value.compare(b[i].value); c != 0) return c < 0 ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

bool IsLegacyLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name, NameValidationScheme scheme) {
  switch (scheme) {
    case NameValidationScheme::kUtf8: return !name.empty() && IsValidUtf8(name);
    case NameValidationScheme::kLegacy: return IsLegacyLabelName(name);
  }
  return false;
}

bool IsLegacyMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace cairn::storage
