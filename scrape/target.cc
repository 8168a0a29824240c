#include "scrape/target.h"


#include <cstdio>

#include "util/duration.h"
#include "util/go_url.h"

namespace cairn::scrape {

namespace {

constexpr std::string_view kAddress = "__address__";
constexpr std::string_view kScheme = "__scheme__";
constexpr std::string_view kMetricsPath = "__metrics_path__";
constexpr std::string_view kInterval = "__scrape_interval__";
constexpr std::string_view kTimeout = "__scrape_timeout__";
constexpr std::string_view kParamPrefix = "__param_";
constexpr std::string_view kMetaPrefix = "__meta_";

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

uint64_t Fnv1a64(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

Result<PopulatedTarget> PopulateTargetLabels(const storage::Labels& target, const storage::Labels& group,
                                             const TargetDefaults& d, std::span<const ingest::RelabelRule> relabel) {
  // The target's own labels win over the group's.
  std::vector<storage::Label> merged(target.begin(), target.end());
  for (const auto& l : group) {
    if (!target.Has(l.name)) merged.push_back(l);
  }
  storage::Labels lset = storage::Labels::FromUnsorted(std::move(merged));
  auto set_default = [&](std::string_view name, std::string_view value) {
    if (lset.Get(name).empty()) lset = lset.With(name, value);
  };
  set_default("job", d.job_name);
  set_default(kInterval, FormatDurationMs(d.scrape_interval_ms));
  set_default(kTimeout, FormatDurationMs(d.scrape_timeout_ms));
  set_default(kMetricsPath, d.metrics_path);
  set_default(kScheme, d.scheme);
  for (const auto& [k, values] : d.params) {
    if (!values.empty()) set_default(std::string(kParamPrefix) + k, values.front());
  }

  PopulatedTarget out;
  out.discovered = lset;
  ingest::RelabelResult r = ingest::Process(std::move(lset), relabel);
  if (!r.keep) return out;
  storage::Labels res = std::move(r.labels);

  const std::string addr(res.Get(kAddress));  // a copy: res is rebuilt below
  if (addr.empty()) return Status::InvalidArgument("no address");
  if (addr.find('/') != std::string_view::npos) {
    return Status::InvalidArgument("\"" + std::string(addr) + "\" is not a valid hostname");
  }
  const std::string interval(res.Get(kInterval)), timeout(res.Get(kTimeout));
  auto iv = ParseDurationMs(interval);
  if (!iv.ok()) return Status::InvalidArgument("error parsing scrape interval: " + iv.status().message());
  if (*iv == 0) return Status::InvalidArgument("scrape interval cannot be 0");
  auto to = ParseDurationMs(timeout);
  if (!to.ok()) return Status::InvalidArgument("error parsing scrape timeout: " + to.status().message());
  if (*to == 0) return Status::InvalidArgument("scrape timeout cannot be 0");
  if (*to > *iv) {
    return Status::InvalidArgument("scrape timeout cannot be greater than scrape interval (\"" + timeout + "\" > \"" +
                                   interval + "\")");
  }
  std::vector<storage::Label> kept;
  kept.reserve(res.size() + 1);
  for (const auto& l : res) {
    if (!StartsWith(l.name, kMetaPrefix)) kept.push_back(l);
  }
  res = storage::Labels::FromSorted(std::move(kept));
  if (res.Get("instance").empty()) res = res.With("instance", addr);
  for (const auto& l : res) {
    if (!storage::IsValidUtf8(l.value)) {
      return Status::InvalidArgument("invalid label value for \"" + l.name + "\": \"" + l.value + "\"");
    }
  }
  out.labels = std::move(res);
  return out;
}

std::string ScrapeUrl(const storage::Labels& labels, const std::map<std::string, std::vector<std::string>>& params) {
  std::map<std::string, std::vector<std::string>> p = params;
  for (const auto& l : labels) {
    if (!StartsWith(l.name, kParamPrefix)) continue;
    auto& values = p[l.name.substr(kParamPrefix.size())];
    if (values.empty()) {
      values.push_back(l.value);
    } else {
      values.front() = l.value;
    }
  }
  std::string url = std::string(labels.Get(kScheme)) + "://" + std::string(labels.Get(kAddress)) +
                    std::string(labels.Get(kMetricsPath));
  char sep = '?';
  for (const auto& [k, values] : p) {  // std::map: sorted by key, as url.Values.Encode
    for (const auto& v : values) {
      url += sep;
      url += GoQueryEscape(k) + "=" + GoQueryEscape(v);
      sep = '&';
    }
  }
  return url;
}

storage::Labels PublicLabels(const storage::Labels& labels) {
  std::vector<storage::Label> out;
  for (const auto& l : labels) {
    if (!StartsWith(l.name, "__")) out.push_back(l);
  }
  return storage::Labels::FromSorted(std::move(out));
}

std::string_view HealthName(Health h) {
  switch (h) {
    case Health::kUp: return "up";
    case Health::kDown: return "down";
    default: return "unknown";
  }
}

Target::Target(storage::Labels labels, storage::Labels discovered,
               std::map<std::string, std::vector<std::string>> params)
    : labels_(std::move(labels)), discovered_(std::move(discovered)), public_(PublicLabels(labels_)) {
  url_ = ScrapeUrl(labels_, params);
  interval_ms_ = ParseDurationMs(labels_.Get(kInterval)).value_or(60000);
  timeout_ms_ = ParseDurationMs(labels_.Get(kTimeout)).value_or(10000);
  char digits[32];
  std::snprintf(digits, sizeof digits, "%016llu", static_cast<unsigned long long>(labels_.Hash()));
  hash_ = Fnv1a64(Fnv1a64(14695981039346656037ULL, digits), url_);
}

int64_t Target::OffsetMs(int64_t now_ms, uint64_t seed) const {
  // In nanoseconds, as upstream computes it, so the phase is the same.
  const auto interval = static_cast<uint64_t>(interval_ms_) * 1000000ULL;
  const auto now = static_cast<uint64_t>(now_ms) * 1000000ULL;
  uint64_t next = interval - now % interval + (hash_ ^ seed) % interval;
  if (next > interval) next -= interval;
  return static_cast<int64_t>(next / 1000000ULL);
}

TargetHealth Target::health() const {
  std::lock_guard lock(mu_);
  return health_;
}

void Target::SetHealth(TargetHealth h) {
  std::lock_guard lock(mu_);
  health_ = std::move(h);
}

}  // namespace cairn::scrape
