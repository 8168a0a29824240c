#include "scrape/http/url.h"

#include <algorithm>
#include <cctype>

namespace cairn::scrape::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// RFC 3986 §5.2.4 on a path without query.
std::string RemoveDotSegments(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    size_t next = path.find('/', i + 1);
    std::string_view seg = path.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i);
    if (seg == "/.") {
      if (next == std::string_view::npos) out.push_back('/');
    } else if (seg == "/..") {
      size_t cut = out.rfind('/');
      out.erase(cut == std::string::npos ? 0 : cut);
      if (next == std::string_view::npos) out.push_back('/');
    } else {
      out.append(seg);
    }
    if (next == std::string_view::npos) break;
    i = next;
  }
  return out.empty() ? "/" : out;
}

}  // namespace

std::string Url::Authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return explicit_port ? h + ":" + port : h;
}

std::string Url::ToString() const { return scheme + "://" + Authority() + target; }

Result<Url> ParseUrl(std::string_view text) {
  Url u;
  if (size_t hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
  size_t colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("unsupported protocol scheme \"\"");
  }
  u.scheme = Lower(text.substr(0, colon));
  if (u.scheme != "http" && u.scheme != "https") {
    return Status::InvalidArgument("unsupported protocol scheme \"" + u.scheme + "\"");
  }
  std::string_view rest = text.substr(colon + 3);
  size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  u.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (u.target.front() == '?') u.target.insert(0, "/");
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    u.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("missing ']' in host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Status::InvalidArgument("invalid port \"" + std::string(after) + "\" after host");
      port = after.substr(1);
    }
  } else if (size_t c = authority.rfind(':'); c != std::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  if (!std::all_of(port.begin(), port.end(), [](unsigned char ch) { return std::isdigit(ch); })) {
    return Status::InvalidArgument("invalid port \":" + std::string(port) + "\" after host");
  }
  if (host.empty()) return Status::InvalidArgument("http: no Host in request URL");
  u.host = std::string(host);
  u.explicit_port = !port.empty();
  u.port = u.explicit_port ? std::string(port) : (u.tls() ? "443" : "80");
  return u;
}

Result<Url> ResolveLocation(const Url& base, std::string_view location) {
  if (size_t hash = location.find('#'); hash != std::string_view::npos) location = location.substr(0, hash);
  size_t scheme_end = location.find("://");
  size_t first_special = location.find_first_of("/?");
  if (scheme_end != std::string_view::npos && scheme_end < first_special) return ParseUrl(location);
  if (location.substr(0, 2) == "//") return ParseUrl(base.scheme + ":" + std::string(location));
  Url u = base;
  if (location.empty()) return u;
  std::string_view base_path = std::string_view(base.target).substr(0, base.target.find('?'));
  std::string path, query;
  size_t q = location.find('?');
  std::string_view loc_path = location.substr(0, q);
  if (q != std::string_view::npos) query = std::string(location.substr(q));
  if (loc_path.empty()) {
    path = std::string(base_path);
  } else if (loc_path.front() == '/') {
    path = RemoveDotSegments(loc_path);
  } else {
    std::string merged(base_path.substr(0, base_path.rfind('/') + 1));
    merged.append(loc_path);
    path = RemoveDotSegments(merged);
  }
  u.target = path + query;
  return u;
}

}  // namespace cairn::scrape::http
