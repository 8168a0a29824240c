#include "remote/remote_write_config.h"

#include <cstdio>

#include "ingest/md5.h"

namespace cairn::remote {

std::string QueueName(const RemoteWriteConfig& cfg) {
  if (!cfg.name.empty()) return cfg.name;
  const ingest::Md5Digest d = ingest::Md5(cfg.fingerprint);
  char hex[7];
  std::snprintf(hex, sizeof(hex), "%02x%02x%02x", d[0], d[1], d[2]);
  return hex;
}

}  // namespace cairn::remote
