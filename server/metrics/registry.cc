#include "server/metrics/registry.h"

#include "util/go_strconv.h"

namespace cairn::server::metrics {
namespace {

class CallbackFamily final : public Family {
 public:
  CallbackFamily(std::string name, std::string help, const char* type,
                 std::function<void(std::vector<MetricSample>*)> collect)
      : name_(std::move(name)), help_(std::move(help)), type_(type), collect_(std::move(collect)) {}
  const std::string& name() const override { return name_; }
  const std::string& help() const override { return help_; }
  const char* type() const override { return type_; }
  void Collect(std::vector<MetricSample>* out) const override { collect_(out); }

 private:
  std::string name_, help_;
  const char* type_;
  std::function<void(std::vector<MetricSample>*)> collect_;
};

void AppendEscaped(std::string_view s, bool quote, std::string* out) {
  for (char c : s) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else if (quote && c == '"') {
      *out += "\\\"";
    } else {
      out->push_back(c);
    }
  }
}

}  // namespace

std::string FormatMetricValue(double v) {
  if (v == 0) return "0";  // -0 too, as expfmt writes it
  return GoFormatFloatG(v);
}

void AppendEscapedLabelValue(std::string_view value, std::string* out) { AppendEscaped(value, true, out); }

void Registry::AddCallback(std::string name, std::string help, const char* type,
                           std::function<void(std::vector<MetricSample>*)> collect) {
  families_.push_back(std::make_unique<CallbackFamily>(std::move(name), std::move(help), type, std::move(collect)));
}

std::string Registry::Render() const {
  std::string out;
  std::vector<MetricSample> samples;
  for (const auto& f : families_) {
    samples.clear();
    f->Collect(&samples);
    if (samples.empty()) continue;
    out += "# HELP " + f->name() + " ";
    AppendEscaped(f->help(), false, &out);
    out += "\n# TYPE " + f->name() + " " + f->type() + "\n";
    for (const auto& s : samples) {
      out += f->name();
      out += s.suffix;
      if (!s.labels.empty()) {
        out.push_back('{');
        for (size_t i = 0; i < s.labels.size(); ++i) {
          if (i > 0) out.push_back(',');
          out += s.labels[i].first;
          out += "=\"";
          AppendEscaped(s.labels[i].second, true, &out);
          out.push_back('"');
        }
        out.push_back('}');
      }
      out.push_back(' ');
      out += FormatMetricValue(s.value);
      out.push_back('\n');
    }
  }
  return out;
}

}  // namespace cairn::server::metrics
