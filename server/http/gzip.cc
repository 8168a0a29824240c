#include "server/http/gzip.h"

#include <zlib.h>

#include <cctype>

namespace cairn::server::http {

bool AcceptsGzip(std::string_view header) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = header.substr(pos, comma - pos);
    pos = comma + 1;
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && std::isspace(static_cast<unsigned char>(coding.back()))) coding.remove_suffix(1);
    if (coding != "gzip" && coding != "*") continue;
    if (semi != std::string_view::npos) {
      std::string params(item.substr(semi + 1));
      std::string compact;
      for (char c : params) {
        if (!std::isspace(static_cast<unsigned char>(c))) compact.push_back(c);
      }
      if (compact == "q=0" || compact == "q=0.0" || compact == "q=0.00" || compact == "q=0.000") continue;
    }
    return true;
  }
  return false;
}

bool GzipCompress(std::string_view data, std::string* out) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper.
  if (deflateInit2(&zs, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out->resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out->data());
  zs.avail_out = static_cast<uInt>(out->size());
  int rc = deflate(&zs, Z_FINISH);
  out->resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END;
}

}  // namespace cairn::server::http
