#include "rules/template/prom_functions.h"

#include <arpa/inet.h>
#include <re2/re2.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "rules/template/builtins.h"
#include "rules/template/go_fmt.h"
#include "util/duration.h"
#include "util/go_quote.h"
#include "util/go_strconv.h"
#include "util/go_url.h"

namespace cairn::rules::tmpl {
namespace {

using P = ParamType;

Status Err(std::string m) { return Status::Execution(std::move(m)); }

// A nil *sample dereferenced in a Go function panics; text/template turns
// the panic into this error.
constexpr const char* kNilDeref = "runtime error: invalid memory address or nil pointer dereference";

std::string Humanize(double v) {
  if (v == 0 || std::isnan(v) || std::isinf(v)) return GoFormatFloat(v, 'g', 4);
  static const char* kBig[] = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
  static const char* kSmall[] = {"m", "u", "n", "p", "f", "a", "z", "y"};
  std::string prefix;
  if (std::fabs(v) >= 1) {
    for (const char* p : kBig) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const char* p : kSmall) {
      if (std::fabs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return GoFormatFloat(v, 'g', 4) + prefix;
}

std::string Humanize1024(double v) {
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return GoFormatFloat(v, 'g', 4);
  static const char* kPrefixes[] = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
  std::string prefix;
  for (const char* p : kPrefixes) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return GoFormatFloat(v, 'g', 4) + prefix;
}

std::string HumanizeDuration(double v) {
  if (std::isnan(v) || std::isinf(v)) return GoFormatFloat(v, 'g', 4);
  if (v == 0) return GoFormatFloat(v, 'g', 4) + "s";
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    // Go's int64(v) saturates differently on overflow; such durations are absurd anyway.
    int64_t duration = v >= 9.2233720368547758e18 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(v);
    int64_t seconds = duration % 60, minutes = (duration / 60) % 60, hours = (duration / 60 / 60) % 24,
            days = duration / 60 / 60 / 24;
    auto n = [](int64_t x) { return std::to_string(x); };
    if (days != 0) return sign + n(days) + "d " + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (hours != 0) return sign + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (minutes != 0) return sign + n(minutes) + "m " + n(seconds) + "s";
    return sign + GoFormatFloat(v, 'g', 4) + "s";
  }
  static const char* kSmall[] = {"m", "u", "n", "p", "f", "a", "z", "y"};
  std::string prefix;
  for (const char* p : kSmall) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return GoFormatFloat(v, 'g', 4) + prefix + "s";
}

// FloatToTime: seconds → a UTC time truncated to milliseconds (model.Time).
Result<int64_t> FloatToTimeNs(double v, bool* nan_or_inf) {
  *nan_or_inf = false;
  if (std::isnan(v) || std::isinf(v)) {
    *nan_or_inf = true;
    return Err("value is NaN or Inf");
  }
  double ts = v * 1e9;
  if (ts > 9.2233720368547758e18 || ts < -9.2233720368547758e18) {
    return Err(GoFormatFloatG(v) + " cannot be represented as a nanoseconds timestamp since it overflows int64");
  }
  int64_t ns = ts >= 9.2233720368547758e18 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(ts);
  int64_t ms = ns / 1000000;  // model.TimeFromUnixNano truncates toward zero
  return ms * 1000000;
}

std::string GoRegexpErrorCode(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorMissingParen: return "missing closing )";
#if defined(RE2_HAVE_UNEXPECTED_PAREN) || 1
    case RE2::ErrorUnexpectedParen: return "unexpected )";
#endif
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    case RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "invalid regexp";
  }
}

// regexp.Compile with Go's error text ("error parsing regexp: CODE: `ARG`").
Result<std::unique_ptr<RE2>> CompileGoRegexp(const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, opts);
  if (!re->ok()) return Err("error parsing regexp: " + GoRegexpErrorCode(re->error_code()) + ": `" + re->error_arg() + "`");
  return re;
}

bool CanBackquote(std::string_view s) {
  for (unsigned char c : s) {
    if (c == '`' || (c < ' ' && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

// Go's regexp.Expand of `templ` for one match.
void ExpandReplacement(std::string& out, std::string_view templ, const RE2& re, const std::vector<re2::StringPiece>& groups) {
  const auto& names = re.CapturingGroupNames();  // index → name
  while (!templ.empty()) {
    size_t dollar = templ.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(templ.substr(0, dollar));
    templ = templ.substr(dollar);
    if (templ.size() > 1 && templ[1] == '$') {
      out.push_back('$');
      templ = templ.substr(2);
      continue;
    }
    // extract: $name or ${name}
    std::string_view rest = templ.substr(1);
    bool brace = !rest.empty() && rest[0] == '{';
    if (brace) rest = rest.substr(1);
    size_t i = 0;
    while (i < rest.size()) {
      size_t len = 0;
      uint32_t r = DecodeRune(rest, i, len);
      bool ok = r == '_' || (r < 0x80 ? ((r | 0x20) >= 'a' && (r | 0x20) <= 'z') || (r >= '0' && r <= '9')
                                      : (u_isalpha(static_cast<UChar32>(r)) || u_isdigit(static_cast<UChar32>(r))));
      if (!ok) break;
      i += len;
    }
    bool malformed = i == 0;
    std::string_view name = rest.substr(0, i);
    size_t consumed = 1 + (brace ? 1 : 0) + i;
    if (brace) {
      if (i >= rest.size() || rest[i] != '}') malformed = true;
      ++consumed;
    }
    if (malformed) {
      out.push_back('$');
      templ = templ.substr(1);
      continue;
    }
    templ = templ.substr(consumed);
    int num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    if (num >= 0) {
      if (static_cast<size_t>(num) < groups.size() && groups[static_cast<size_t>(num)].data() != nullptr) {
        out.append(groups[static_cast<size_t>(num)].data(), groups[static_cast<size_t>(num)].size());
      }
      continue;
    }
    for (size_t g = 1; g < groups.size(); ++g) {
      auto it = names.find(static_cast<int>(g));
      if (it != names.end() && it->second == name && groups[g].data() != nullptr) {
        out.append(groups[g].data(), groups[g].size());
        break;
      }
    }
  }
  out.append(templ);
}

// regexp.ReplaceAllString: Go's match iteration, including its handling of
// empty matches right after another match.
std::string ReplaceAll(const RE2& re, std::string_view src, std::string_view repl) {
  std::string out;
  int ngroups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups));
  size_t last_end = 0, search = 0;
  while (search <= src.size()) {
    if (!re.Match(src, search, src.size(), RE2::UNANCHORED, groups.data(), ngroups)) break;
    size_t a0 = static_cast<size_t>(groups[0].data() - src.data());
    size_t a1 = a0 + groups[0].size();
    out.append(src.substr(last_end, a0 - last_end));
    if (a1 > last_end || a0 == 0) ExpandReplacement(out, repl, re, groups);
    last_end = a1;
    size_t width = 0;
    if (search < src.size()) DecodeRune(src, search, width);
    if (search + width > a1) {
      search += width;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  out.append(src.substr(last_end));
  return out;
}

// strings.Title (Prometheus 2.42): upper-cases the first letter of each word,
// words being separated by anything but letters, digits, '_' and apostrophes
// of Unicode's letter/digit/mark classes.
std::string Title(std::string_view s) {
  std::string out;
  uint32_t prev = ' ';
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    uint32_t r = DecodeRune(s, i, len);
    bool sep;
    if (prev < 0x80) {
      sep = !((prev >= '0' && prev <= '9') || ((prev | 0x20) >= 'a' && (prev | 0x20) <= 'z') || prev == '_');
    } else if (u_isalpha(static_cast<UChar32>(prev)) || u_isdigit(static_cast<UChar32>(prev))) {
      sep = false;
    } else {
      sep = u_isspace(static_cast<UChar32>(prev));
    }
    if (r == 0xFFFD && len == 1) {
      out += "\xEF\xBF\xBD";  // strings.Map writes invalid bytes as U+FFFD
    } else if (sep) {
      AppendUtf8(out, static_cast<uint32_t>(u_totitle(static_cast<UChar32>(r))));
    } else {
      out.append(s.substr(i, len));
    }
    prev = r;
    i += len;
  }
  return out;
}

std::string MapCase(std::string_view s, bool upper) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    uint32_t r = DecodeRune(s, i, len);
    if (r == 0xFFFD && len == 1) {
      out += "\xEF\xBF\xBD";  // Go maps invalid bytes to U+FFFD
    } else {
      UChar32 m = upper ? u_toupper(static_cast<UChar32>(r)) : u_tolower(static_cast<UChar32>(r));
      AppendUtf8(out, static_cast<uint32_t>(m));
    }
    i += len;
  }
  return out;
}

// net.SplitHostPort; false on any of its errors.
bool SplitHostPort(std::string_view hp, std::string* host, std::string* port) {
  size_t i = hp.rfind(':');
  if (i == std::string_view::npos) return false;
  size_t j = 0, k = 0;
  if (!hp.empty() && hp[0] == '[') {
    size_t end = hp.find(']');
    if (end == std::string_view::npos) return false;
    if (end + 1 == hp.size()) return false;
    if (end + 1 != i) return false;
    *host = std::string(hp.substr(1, end - 1));
    j = 1;
    k = end + 1;
  } else {
    *host = std::string(hp.substr(0, i));
    if (host->find(':') != std::string::npos) return false;
  }
  if (hp.substr(j).find('[') != std::string_view::npos) return false;
  if (hp.substr(k).find(']') != std::string_view::npos) return false;
  *port = std::string(hp.substr(i + 1));
  return true;
}

bool IsIP(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string StripDomain(const std::string& host_port) {
  std::string host, port;
  if (!SplitHostPort(host_port, &host, &port)) {
    host = host_port;
    port.clear();
  }
  if (IsIP(host)) return host_port;
  host = host.substr(0, host.find('.'));
  if (!port.empty()) {
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
    return host + ":" + port;
  }
  return host;
}

Result<Value> StringResult(std::string s) { return Value::String(std::move(s)); }

}  // namespace

Result<double> ConvertToFloat(const Value& v) {
  switch (v.kind) {
    case Kind::kFloat: return v.f;
    case Kind::kInt: return static_cast<double>(v.i);
    case Kind::kString: {
      GoFloat f = GoParseFloat(v.s);
      if (f.error != GoNumError::kNone) return Err(GoNumErrorText("ParseFloat", v.s, f.error));
      return f.value;
    }
    default:
      return Err("can't convert " + v.TypeName() + " to float");
  }
}

const FuncMap& PrometheusStaticFunctions() {
  static const FuncMap* kFuncs = [] {
    auto* m = new FuncMap;
    auto float_fn = [](std::string (*f)(double)) {
      return Function{{P::kAny}, false, [f](const std::vector<Value>& a) -> Result<Value> {
        auto v = ConvertToFloat(a[0]);
        if (!v.ok()) return v.status();
        return Value::String(f(*v));
      }};
    };
    (*m)["humanize"] = float_fn(Humanize);
    (*m)["humanize1024"] = float_fn(Humanize1024);
    (*m)["humanizeDuration"] = float_fn(HumanizeDuration);
    (*m)["humanizePercentage"] = float_fn([](double v) { return GoFormatFloat(v * 100, 'g', 4) + "%"; });
    (*m)["humanizeTimestamp"] = {{P::kAny}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto v = ConvertToFloat(a[0]);
      if (!v.ok()) return v.status();
      bool nan_or_inf = false;
      auto ns = FloatToTimeNs(*v, &nan_or_inf);
      if (nan_or_inf) return Value::String(GoFormatFloat(*v, 'g', 4));
      if (!ns.ok()) return ns.status();
      return Value::String(FormatGoTime(*ns));
    }};
    (*m)["toTime"] = {{P::kAny}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto v = ConvertToFloat(a[0]);
      if (!v.ok()) return v.status();
      bool nan_or_inf = false;
      auto ns = FloatToTimeNs(*v, &nan_or_inf);
      if (!ns.ok()) return ns.status();
      return Value::Time(*ns);
    }};
    (*m)["toDuration"] = {{P::kAny}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto v = ConvertToFloat(a[0]);
      if (!v.ok()) return v.status();
      double ns = *v * 1e9;
      // Go's float→int64 conversion of an out-of-range value gives MinInt64 on amd64.
      bool in_range = ns > -9.2233720368547758e18 && ns < 9.2233720368547758e18;
      return Value::Duration(in_range ? static_cast<int64_t>(ns) : std::numeric_limits<int64_t>::min());
    }};
    (*m)["first"] = {{P::kSamples}, false, [](const std::vector<Value>& a) -> Result<Value> {
      if (a[0].samples && !a[0].samples->empty()) return Value::OfSample(a[0].samples->front());
      return Err("first() called on vector with no elements");
    }};
    (*m)["label"] = {{P::kString, P::kSample}, false, [](const std::vector<Value>& a) -> Result<Value> {
      if (!a[1].sample) return Err(kNilDeref);
      auto it = a[1].sample->labels->find(a[0].s);
      return Value::String(it == a[1].sample->labels->end() ? "" : it->second);
    }};
    (*m)["value"] = {{P::kSample}, false, [](const std::vector<Value>& a) -> Result<Value> {
      if (!a[0].sample) return Err(kNilDeref);
      return Value::Float(a[0].sample->value);
    }};
    (*m)["strvalue"] = {{P::kSample}, false, [](const std::vector<Value>& a) -> Result<Value> {
      if (!a[0].sample) return Err(kNilDeref);
      auto it = a[0].sample->labels->find("__value__");
      return Value::String(it == a[0].sample->labels->end() ? "" : it->second);
    }};
    (*m)["args"] = {{P::kAny}, true, [](const std::vector<Value>& a) -> Result<Value> {
      auto out = std::make_shared<AnyMap>();
      for (size_t i = 0; i < a.size(); ++i) (*out)["arg" + std::to_string(i)] = a[i];
      return Value::OfAnyMap(out);
    }};
    (*m)["reReplaceAll"] = {{P::kString, P::kString, P::kString}, false,
                            [](const std::vector<Value>& a) -> Result<Value> {
      auto re = CompileGoRegexp(a[0].s);
      if (!re.ok()) {  // regexp.MustCompile panics with this text
        std::string quoted = CanBackquote(a[0].s) ? "`" + a[0].s + "`" : GoQuote(a[0].s);
        return Err("regexp: Compile(" + quoted + "): " + re.status().message());
      }
      return Value::String(ReplaceAll(**re, a[2].s, a[1].s));
    }};
    (*m)["match"] = {{P::kString, P::kString}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto re = CompileGoRegexp(a[0].s);
      if (!re.ok()) return re.status();
      return Value::Bool(RE2::PartialMatch(a[1].s, **re));
    }};
    (*m)["safeHtml"] = {{P::kString}, false,
                        [](const std::vector<Value>& a) -> Result<Value> { return Value::Html(a[0].s); }};
    (*m)["title"] = {{P::kString}, false, [](const std::vector<Value>& a) { return StringResult(Title(a[0].s)); }};
    (*m)["toUpper"] = {{P::kString}, false,
                       [](const std::vector<Value>& a) { return StringResult(MapCase(a[0].s, true)); }};
    (*m)["toLower"] = {{P::kString}, false,
                       [](const std::vector<Value>& a) { return StringResult(MapCase(a[0].s, false)); }};
    (*m)["graphLink"] = {{P::kString}, false, [](const std::vector<Value>& a) {
      return StringResult("/graph?g0.expr=" + GoQueryEscape(a[0].s) + "&g0.tab=0");
    }};
    (*m)["tableLink"] = {{P::kString}, false, [](const std::vector<Value>& a) {
      return StringResult("/graph?g0.expr=" + GoQueryEscape(a[0].s) + "&g0.tab=1");
    }};
    (*m)["sortByLabel"] = {{P::kString, P::kSamples}, false, [](const std::vector<Value>& a) -> Result<Value> {
      auto sorted = std::make_shared<SampleList>(a[1].samples ? *a[1].samples : SampleList{});
      const std::string& label = a[0].s;
      auto get = [&](const SampleData& s) {
        auto it = s.labels->find(label);
        return it == s.labels->end() ? std::string() : it->second;
      };
      std::stable_sort(sorted->begin(), sorted->end(),
                       [&](const auto& x, const auto& y) { return get(*x) < get(*y); });
      return Value::OfSamples(sorted);
    }};
    (*m)["stripPort"] = {{P::kString}, false, [](const std::vector<Value>& a) {
      std::string host, port;
      return StringResult(SplitHostPort(a[0].s, &host, &port) ? host : a[0].s);
    }};
    (*m)["stripDomain"] = {{P::kString}, false,
                           [](const std::vector<Value>& a) { return StringResult(StripDomain(a[0].s)); }};
    (*m)["parseDuration"] = {{P::kString}, false, [](const std::vector<Value>& a) -> Result<Value> {
      std::string_view d = a[0].s;
      bool neg = !d.empty() && d[0] == '-';  // 3.x: ParseDurationAllowNegative
      auto ms = ParseDurationMs(neg ? d.substr(1) : d);
      if (!ms.ok()) return Err(ms.status().message());
      return Value::Float(static_cast<double>(neg ? -*ms : *ms) / 1000.0);
    }};
    (*m)["urlQueryEscape"] = {{P::kString}, false,
                              [](const std::vector<Value>& a) { return StringResult(GoQueryEscape(a[0].s)); }};
    return m;
  }();
  return *kFuncs;
}

FuncMap PrometheusBoundFunctions(const QueryFn* query, int64_t eval_time_ms, const std::string& external_url) {
  FuncMap m;
  m["query"] = {{P::kString}, false, [query](const std::vector<Value>& a) -> Result<Value> {
    if (query == nullptr || !*query) return Err("no query function available in this context");
    auto r = (*query)(a[0].s);
    if (!r.ok()) return Err(r.status().message());
    auto list = std::make_shared<SampleList>();
    for (const auto& s : *r) {
      auto d = std::make_shared<SampleData>();
      auto labels = std::make_shared<StringMap>();
      for (const auto& l : s.labels) labels->emplace_hint(labels->end(), l.name, l.value);
      d->labels = std::move(labels);
      d->value = s.value;
      list->push_back(std::move(d));
    }
    return Value::OfSamples(list);
  }};
  m["now"] = {{}, false, [eval_time_ms](const std::vector<Value>&) -> Result<Value> {
    return Value::Float(static_cast<double>(eval_time_ms) / 1000.0);
  }};
  m["externalURL"] = {{}, false, [external_url](const std::vector<Value>&) { return StringResult(external_url); }};
  m["pathPrefix"] = {{}, false,
                     [external_url](const std::vector<Value>&) { return StringResult(GoUrlPath(external_url)); }};
  return m;
}

bool IsTemplateFunction(std::string_view name) {
  static const FuncMap kBound = PrometheusBoundFunctions(nullptr, 0, "");
  return Builtins().count(name) > 0 || PrometheusStaticFunctions().count(name) > 0 || kBound.count(name) > 0;
}

}  // namespace cairn::rules::tmpl
