#include "ingest/content_negotiation.h"

#include <string>

namespace cairn::ingest {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Result<RemoteWriteVersion> ParseRemoteWriteContentType(std::string_view content_type) {
  size_t semi = content_type.find(';');
  std::string_view media = Trim(content_type.substr(0, semi));
  if (!media.empty() && !EqualsIgnoreCase(media, "application/x-protobuf"))
    return Status::Unsupported("unsupported Content-Type \"" + std::string(content_type) +
                               "\"; expected application/x-protobuf");
  RemoteWriteVersion version = RemoteWriteVersion::kV1;
  while (semi != std::string_view::npos) {
    content_type.remove_prefix(semi + 1);
    semi = content_type.find(';');
    std::string_view param = Trim(content_type.substr(0, semi));
    size_t eq = param.find('=');
    if (eq == std::string_view::npos || !EqualsIgnoreCase(Trim(param.substr(0, eq)), "proto")) continue;
    std::string_view value = Trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (value == kProtoWriteV1) {
      version = RemoteWriteVersion::kV1;
    } else if (value == kProtoWriteV2) {
      version = RemoteWriteVersion::kV2;
    } else {
      return Status::Unsupported("unsupported proto=\"" + std::string(value) + "\"; accepted: " +
                                 std::string(kProtoWriteV1) + ", " + std::string(kProtoWriteV2));
    }
  }
  return version;
}

bool IsSnappyEncoding(std::string_view content_encoding) {
  std::string_view e = Trim(content_encoding);
  return e.empty() || EqualsIgnoreCase(e, "snappy");
}

}  // namespace cairn::ingest
