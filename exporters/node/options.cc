#include "exporters/node/options.h"

namespace cairn::exporters::node {

std::string Paths::Join(std::string_view base, std::string_view rel) {
  std::string out(base);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
  if (rel.empty()) return out.empty() ? "/" : out;
  if (out.empty() || out.back() != '/') out += '/';
  out.append(rel);
  return out;
}

std::string Paths::StripRootfs(const std::string& mount_point) const {
  if (rootfs == "/") return mount_point;
  if (mount_point.compare(0, rootfs.size(), rootfs) != 0) return mount_point;
  std::string stripped = mount_point.substr(rootfs.size());
  return stripped.empty() ? "/" : stripped;
}

}  // namespace cairn::exporters::node
