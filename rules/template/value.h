// The dynamic values a Prometheus alert template computes with, standing in
// for the Go types text/template reflects over: bool, int, float64, string,
// template.HTML, map[string]string (label sets), map[string]interface {}
// (`args`), template.queryResult and *template.sample (`query`), the alert
// data struct, *time.Time (`toTime`) and *time.Duration (`toDuration`).
// An invalid Value is Go's zero reflect.Value (an unset interface{}: nil).
// Thread-safety: values are immutable once built; copies share their data.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cairn::rules::tmpl {

enum class Kind {
  kInvalid,    // nil interface / missing value: prints "<no value>" in an action
  kBool,
  kInt,        // Go int
  kUint8,      // a byte from `index` on a string
  kFloat,      // float64
  kString,
  kHTML,       // html/template.HTML (safeHtml): a string of another type
  kStringMap,  // map[string]string
  kAnyMap,     // map[string]interface {}
  kSamples,    // template.queryResult ([]*template.sample)
  kSample,     // *template.sample, possibly nil
  kAlertData,  // the struct AlertTemplateData builds
  kTime,       // *time.Time (UTC), nanoseconds since the epoch
  kDuration,   // *time.Duration, nanoseconds
};

struct Value;
using StringMap = std::map<std::string, std::string>;
using AnyMap = std::map<std::string, Value>;

struct SampleData {
  StringMap labels;
  double value = 0;
};
using SampleList = std::vector<std::shared_ptr<const SampleData>>;

struct AlertData {
  StringMap labels;
  StringMap external_labels;
  std::string external_url;
  double value = 0;
};

struct Value {
  Kind kind = Kind::kInvalid;
  bool b = false;
  int64_t i = 0;   // kInt, kUint8, kTime and kDuration (ns)
  double f = 0;
  std::string s;   // kString, kHTML
  std::shared_ptr<const StringMap> string_map;
  std::shared_ptr<const AnyMap> any_map;
  std::shared_ptr<const SampleList> samples;  // null: a nil queryResult
  std::shared_ptr<const SampleData> sample;   // null: a nil *sample
  std::shared_ptr<const AlertData> alert;

  static Value Bool(bool v) { Value x; x.kind = Kind::kBool; x.b = v; return x; }
  static Value Int(int64_t v) { Value x; x.kind = Kind::kInt; x.i = v; return x; }
  static Value Float(double v) { Value x; x.kind = Kind::kFloat; x.f = v; return x; }
  static Value String(std::string v) { Value x; x.kind = Kind::kString; x.s = std::move(v); return x; }
  static Value Html(std::string v) { Value x; x.kind = Kind::kHTML; x.s = std::move(v); return x; }
  static Value OfStringMap(std::shared_ptr<const StringMap> m) { Value x; x.kind = Kind::kStringMap; x.string_map = std::move(m); return x; }
  static Value OfAnyMap(std::shared_ptr<const AnyMap> m) { Value x; x.kind = Kind::kAnyMap; x.any_map = std::move(m); return x; }
  static Value OfSamples(std::shared_ptr<const SampleList> l) { Value x; x.kind = Kind::kSamples; x.samples = std::move(l); return x; }
  static Value OfSample(std::shared_ptr<const SampleData> s) { Value x; x.kind = Kind::kSample; x.sample = std::move(s); return x; }
  static Value Time(int64_t ns) { Value x; x.kind = Kind::kTime; x.i = ns; return x; }
  static Value Duration(int64_t ns) { Value x; x.kind = Kind::kDuration; x.i = ns; return x; }

  bool valid() const { return kind != Kind::kInvalid; }
  bool is_string_kind() const { return kind == Kind::kString || kind == Kind::kHTML; }
  // Whether Go can hold nil in this type (pointer, map, slice).
  bool IsNil() const;
  // Go's reflect Type.String(): "float64", "map[string]string", "*template.sample".
  std::string TypeName() const;
  // len() for strings, maps and slices; -1 for other kinds.
  int64_t Len() const;
};

// text/template's isTrue: the truth of `if`, `with`, `and`, `or`, `not`.
// `ok` is false for values with no truth (never for the kinds above).
bool IsTrue(const Value& v);

// time.Time.String() of a UTC time: "2006-01-02 15:04:05.999999999 +0000 UTC".
std::string FormatGoTime(int64_t unix_ns);
// time.Duration.String(): "1h2m3.5s", "1.5ms", "0s".
std::string FormatGoDuration(int64_t ns);

}  // namespace cairn::rules::tmpl
