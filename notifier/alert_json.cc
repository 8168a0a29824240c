#include "notifier/alert_json.h"

#include <chrono>
#include <cstdio>

#include "util/json_writer.h"

namespace cairn::notifier {
namespace {

void WriteLabelSet(JsonWriter& w, const storage::Labels& ls) {
  w.BeginObject();
  for (const auto& l : ls) {
    w.Key(l.name);
    w.String(l.value);
  }
  w.EndObject();
}

}  // namespace

std::string FormatDateTime(int64_t t_ms) {
  if (t_ms == 0) return "0001-01-01T00:00:00.000Z";
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(t_ms)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02lld.%03lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()), static_cast<long long>(hms.subseconds().count()));
  return buf;
}

std::string AlertsToJson(std::span<const AlertPtr> alerts) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const AlertPtr& a : alerts) {
    w.BeginObject();
    if (!a->annotations.empty()) {
      w.Key("annotations");
      WriteLabelSet(w, a->annotations);
    }
    w.Key("endsAt");
    w.String(FormatDateTime(a->ends_at_ms));
    w.Key("startsAt");
    w.String(FormatDateTime(a->starts_at_ms));
    if (!a->generator_url.empty()) {
      w.Key("generatorURL");
      w.String(a->generator_url);
    }
    w.Key("labels");
    WriteLabelSet(w, a->labels);
    w.EndObject();
  }
  w.EndArray();
  return out;
}

}  // namespace cairn::notifier
