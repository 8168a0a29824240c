#include "ingest/md5.h"

#include <openssl/evp.h>

namespace cairn::ingest {

Md5Digest Md5(std::string_view data) {
  Md5Digest out{};
  unsigned int len = 0;
  // OpenSSL's one-shot digest; an empty view may carry a null pointer, so
  // hand it a valid one.
  const char* p = data.empty() ? "" : data.data();
  EVP_Digest(p, data.size(), out.data(), &len, EVP_md5(), nullptr);
  return out;
}

}  // namespace cairn::ingest
