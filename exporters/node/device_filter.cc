#include "exporters/node/device_filter.h"

namespace cairn::exporters::node {

Result<std::shared_ptr<const RE2>> CompileFlagRegex(std::string_view flag, const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, opts);
  if (!re->ok()) {
    return Status::InvalidArgument("--" + std::string(flag) + ": bad regexp \"" + pattern + "\": " + re->error());
  }
  return std::shared_ptr<const RE2>(std::move(re));
}

Result<DeviceFilter> DeviceFilter::Make(std::string_view flag_prefix, const std::string& exclude,
                                        const std::string& include) {
  if (!exclude.empty() && !include.empty()) {
    return Status::InvalidArgument(std::string(flag_prefix) + ": device-exclude & device-include are mutually exclusive");
  }
  DeviceFilter f;
  if (!exclude.empty()) {
    auto re = CompileFlagRegex(std::string(flag_prefix) + ".device-exclude", exclude);
    if (!re.ok()) return re.status();
    f.exclude_ = *re;
  }
  if (!include.empty()) {
    auto re = CompileFlagRegex(std::string(flag_prefix) + ".device-include", include);
    if (!re.ok()) return re.status();
    f.include_ = *re;
  }
  return f;
}

}  // namespace cairn::exporters::node
